import { ErrorCode, hasErrorCode, IapError, toIapError } from '@iap/core';

/**
 * True when `error` is an `IapError` with code `SAGA_STEP_FAILED`: a saga step (or compensation)
 * failed after its retries. `details` holds `sagaId`, `step`, `phase` (`action` or `compensation`)
 * and the original error's `causeCode` / `causeName`; `cause` holds the original error (or its
 * stored form after a restart). Uses the code and brand, not `instanceof`.
 *
 * @example
 * ```ts
 * const result = await saga.run(input, { sagaId, store });
 * if (isSagaStepError(result.error)) console.warn(result.error.details.step, result.error.message);
 * ```
 */
export function isSagaStepError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.SAGA_STEP_FAILED);
}

/**
 * True when `error` is an `IapError` with code `SAGA_STATE`: the saga is in a status that does not
 * allow the operation (an operator retry on a completed saga, a saga id reused by another saga).
 *
 * @example
 * ```ts
 * try { await saga.retry(sagaId); } catch (err) { if (isSagaStateError(err)) console.warn(err.details.status); }
 * ```
 */
export function isSagaStateError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.SAGA_STATE);
}

/**
 * True when `error` is an `IapError` with code `SAGA_DEFINITION`: the saga definition is invalid
 * (duplicate or empty step names, an empty saga, `pivot()` misplaced); raised while building it.
 *
 * @example
 * ```ts
 * try { createSaga('order').pivot(); } catch (err) { if (isSagaDefinitionError(err)) console.error(err.message); }
 * ```
 */
export function isSagaDefinitionError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.SAGA_DEFINITION);
}

/**
 * True when `error` is an `IapError` with code `SAGA_DEADLINE`: the saga passed its `deadlineMs`
 * before the pivot, so it stopped going forward and compensated.
 *
 * @example
 * ```ts
 * if (isSagaDeadlineError(result.error)) metrics.count('saga.deadline');
 * ```
 */
export function isSagaDeadlineError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.SAGA_DEADLINE);
}

/**
 * True when `error` is an `IapError` with code `LEASE_LOST`: another worker took over the saga
 * (this worker's lease expired, e.g. after a long pause), so this worker stopped driving it.
 *
 * @example
 * ```ts
 * try { await saga.run(input, { sagaId, store }); } catch (err) { if (isSagaLeaseLostError(err)) return; throw err; }
 * ```
 */
export function isSagaLeaseLostError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.LEASE_LOST);
}

/** @internal An `SAGA_DEFINITION` error. */
export function definitionError(sagaName: string, message: string, details: Record<string, unknown> = {}): IapError {
  return new IapError(ErrorCode.SAGA_DEFINITION, `saga "${sagaName}": ${message}`, { details: { sagaName, ...details } });
}

/** @internal An `INVALID_OPTIONS` error. */
export function invalidOptions(where: string, message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `${where}: ${message}`);
}

/** @internal A `LEASE_LOST` error for a fenced write that found another version or owner. */
export function leaseLostError(sagaId: string, what: string): IapError {
  return new IapError(ErrorCode.LEASE_LOST, `saga ${sagaId}: ${what}; another worker owns it now (this worker stopped driving it)`, {
    details: { sagaId },
  });
}

/** @internal `value` as an Error to rethrow: Errors as they are, anything else wrapped by `toIapError`. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : toIapError(value);
}
