import { IapError } from '@iap/core';
import { SyncErrorCode } from './sync-error-codes.js';

/** Value-free details of a sync error: the record type and the field or system involved. */
export interface SyncErrorPlace {
  /** The record type of the boundary (e.g. `customer`). */
  readonly recordType?: string | undefined;
  /** The canonical field name involved, when one is. */
  readonly field?: string | undefined;
  /** The system involved, when one is. */
  readonly system?: string | undefined;
}

/** Other value-free details (option names, positions); never a field value. */
export type SyncErrorDetails = SyncErrorPlace & Readonly<Record<string, string | number | boolean | undefined>>;

function withoutUndefined(details: SyncErrorDetails): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(details)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * A sync boundary definition is invalid (code `SYNC_DEFINITION`), raised by `defineSyncBoundary`:
 * `field` / `system` name the place. Check with `SyncDefinitionError.isInstance(error)`, which works
 * across duplicated installs and ESM/CJS where `instanceof` does not.
 *
 * @example
 * ```ts
 * import { SyncDefinitionError } from '@iap/sync';
 *
 * const describe = (error: unknown): string => (SyncDefinitionError.isInstance(error) ? `definition: ${error.field ?? error.system ?? '?'}` : 'other');
 * ```
 */
export class SyncDefinitionError extends IapError<typeof SyncErrorCode.SYNC_DEFINITION> {
  static override readonly errorBrand = 'iap.sync.SyncDefinitionError';
  /** The record type of the boundary. */
  readonly recordType: string | undefined;
  /** The field the definition got wrong, when one. */
  readonly field: string | undefined;
  /** The system the definition got wrong, when one. */
  readonly system: string | undefined;

  constructor(message: string, details: SyncErrorDetails) {
    super(SyncErrorCode.SYNC_DEFINITION, message, { details: withoutUndefined(details) });
    this.name = 'SyncDefinitionError';
    this.recordType = details.recordType;
    this.field = details.field;
    this.system = details.system;
  }
}

/**
 * A plan could not be computed for the given input (code `SYNC_PLAN`): a missing or non-object
 * record, a missing modification time for last-writer-wins, a throwing rule, transform or merge
 * function (kept as `cause`). `field` names the field; messages never hold a value.
 *
 * @example
 * ```ts
 * import { SyncPlanError } from '@iap/sync';
 *
 * const where = (error: unknown): string | undefined => (SyncPlanError.isInstance(error) ? error.field : undefined);
 * ```
 */
export class SyncPlanError extends IapError<typeof SyncErrorCode.SYNC_PLAN> {
  static override readonly errorBrand = 'iap.sync.SyncPlanError';
  /** The record type of the boundary. */
  readonly recordType: string | undefined;
  /** The field whose plan failed, when one. */
  readonly field: string | undefined;
  /** The system involved, when one. */
  readonly system: string | undefined;

  constructor(message: string, details: SyncErrorDetails, cause?: unknown) {
    super(SyncErrorCode.SYNC_PLAN, message, { details: withoutUndefined(details), ...(cause === undefined ? {} : { cause }) });
    this.name = 'SyncPlanError';
    this.recordType = details.recordType;
    this.field = details.field;
    this.system = details.system;
  }
}

/**
 * True when `error` is a {@link SyncDefinitionError} (same as `SyncDefinitionError.isInstance`).
 *
 * @example
 * ```ts
 * try { defineSyncBoundary(definition); } catch (err) { if (isSyncDefinitionError(err)) console.error(err.field, err.message); }
 * ```
 */
export function isSyncDefinitionError(error: unknown): error is SyncDefinitionError {
  return SyncDefinitionError.isInstance(error);
}

/**
 * True when `error` is a {@link SyncPlanError} (same as `SyncPlanError.isInstance`).
 *
 * @example
 * ```ts
 * try { boundary.plan(input); } catch (err) { if (isSyncPlanError(err)) deadLetter(input, err.code); }
 * ```
 */
export function isSyncPlanError(error: unknown): error is SyncPlanError {
  return SyncPlanError.isInstance(error);
}
