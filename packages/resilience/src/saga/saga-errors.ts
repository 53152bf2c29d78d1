import { ErrorCode, hasErrorCode, IapError, toIapError, type IapErrorOptions } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * A saga step or its compensation failed after its retries (code `SAGA_STEP_FAILED`); `cause` holds
 * the original error (or its stored form after a restart).
 *
 * @example
 * ```ts
 * import { SagaStepError } from '@iap/resilience';
 *
 * const failedStep = (error: unknown): string | undefined => (SagaStepError.isInstance(error) ? error.step : undefined);
 * ```
 */
export class SagaStepError extends IapError<typeof ResilienceErrorCode.SAGA_STEP_FAILED> {
  static override readonly errorBrand = 'iap.resilience.SagaStepError';
  /** The saga run. */
  readonly sagaId: string;
  /** The saga's name. */
  readonly sagaName: string;
  /** The step that failed. */
  readonly step: string;
  /** Whether the step's action or its compensation failed. */
  readonly phase: 'action' | 'compensation';

  constructor(message: string, fields: { sagaId: string; sagaName: string; step: string; phase: 'action' | 'compensation' }, options: IapErrorOptions = {}) {
    super(ResilienceErrorCode.SAGA_STEP_FAILED, message, { ...options, details: { ...fields, ...options.details } });
    this.name = 'SagaStepError';
    this.sagaId = fields.sagaId;
    this.sagaName = fields.sagaName;
    this.step = fields.step;
    this.phase = fields.phase;
  }
}

/**
 * The saga is in a status that does not allow the operation (code `SAGA_STATE`).
 *
 * @example
 * ```ts
 * import { SagaStateError } from '@iap/resilience';
 *
 * const conflict = (error: unknown): boolean => SagaStateError.isInstance(error);
 * ```
 */
export class SagaStateError extends IapError<typeof ResilienceErrorCode.SAGA_STATE> {
  static override readonly errorBrand = 'iap.resilience.SagaStateError';
  /** The saga run, when the operation named one. */
  readonly sagaId: string | undefined;

  /** @param options - `details.sagaId` names the run (and becomes `sagaId`). */
  constructor(message: string, options: IapErrorOptions = {}) {
    super(ResilienceErrorCode.SAGA_STATE, message, options);
    this.name = 'SagaStateError';
    const sagaId = options.details?.['sagaId'];
    this.sagaId = typeof sagaId === 'string' ? sagaId : undefined;
  }
}

/**
 * A saga definition is invalid (code `SAGA_DEFINITION`), raised while building it.
 *
 * @example
 * ```ts
 * import { SagaDefinitionError } from '@iap/resilience';
 *
 * const badDefinition = (error: unknown): boolean => SagaDefinitionError.isInstance(error);
 * ```
 */
export class SagaDefinitionError extends IapError<typeof ResilienceErrorCode.SAGA_DEFINITION> {
  static override readonly errorBrand = 'iap.resilience.SagaDefinitionError';
  /** The saga's name. */
  readonly sagaName: string;

  constructor(sagaName: string, message: string, details: Record<string, unknown> = {}) {
    super(ResilienceErrorCode.SAGA_DEFINITION, `saga "${sagaName}": ${message}`, { details: { sagaName, ...details } });
    this.name = 'SagaDefinitionError';
    this.sagaName = sagaName;
  }
}

/**
 * The saga passed its `deadlineMs` before the pivot (code `SAGA_DEADLINE`): it compensated.
 *
 * @example
 * ```ts
 * import { SagaDeadlineError } from '@iap/resilience';
 *
 * const late = (error: unknown): string | undefined => (SagaDeadlineError.isInstance(error) ? error.step : undefined);
 * ```
 */
export class SagaDeadlineError extends IapError<typeof ResilienceErrorCode.SAGA_DEADLINE> {
  static override readonly errorBrand = 'iap.resilience.SagaDeadlineError';
  /** The saga run. */
  readonly sagaId: string;
  /** The saga's name. */
  readonly sagaName: string;
  /** The step that could not complete in time. */
  readonly step: string;

  constructor(fields: { sagaId: string; sagaName: string; step: string }, cause?: unknown) {
    super(ResilienceErrorCode.SAGA_DEADLINE, `saga "${fields.sagaName}" passed its deadline before step "${fields.step}" could complete; compensating`, {
      cause,
      details: { ...fields },
    });
    this.name = 'SagaDeadlineError';
    this.sagaId = fields.sagaId;
    this.sagaName = fields.sagaName;
    this.step = fields.step;
  }
}

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
export function isSagaStepError(error: unknown): error is SagaStepError {
  return SagaStepError.isInstance(error);
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
export function isSagaStateError(error: unknown): error is SagaStateError {
  return SagaStateError.isInstance(error);
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
export function isSagaDefinitionError(error: unknown): error is SagaDefinitionError {
  return SagaDefinitionError.isInstance(error);
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
export function isSagaDeadlineError(error: unknown): error is SagaDeadlineError {
  return SagaDeadlineError.isInstance(error);
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
export function definitionError(sagaName: string, message: string, details: Record<string, unknown> = {}): SagaDefinitionError {
  return new SagaDefinitionError(sagaName, message, details);
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
