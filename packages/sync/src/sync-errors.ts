import { ErrorCode, hasErrorCode, type IapError } from '@iap/core';

/**
 * True when `error` is an `IapError` with code `SYNC_DEFINITION`: a sync boundary definition is
 * invalid (its message and `details.field` name the field). Uses the code and brand, not
 * `instanceof`, so it works across duplicated installs and ESM/CJS.
 *
 * @example
 * ```ts
 * try { defineSyncBoundary(definition); } catch (err) { if (isSyncDefinitionError(err)) console.error(err.details.field, err.message); }
 * ```
 */
export function isSyncDefinitionError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.SYNC_DEFINITION);
}

/**
 * True when `error` is an `IapError` with code `SYNC_PLAN`: a plan could not be computed for the
 * given input (a missing record, a missing modification time, a throwing rule or merge function).
 *
 * @example
 * ```ts
 * try { boundary.plan(input); } catch (err) { if (isSyncPlanError(err)) deadLetter(input, err.code); }
 * ```
 */
export function isSyncPlanError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.SYNC_PLAN);
}
