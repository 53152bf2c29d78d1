import { IapError } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * Rejection of a call by a circuit breaker that an operator isolated with `isolate()`; it stays
 * isolated until every isolation handle is released (or `forceClose()` / `reset()`).
 *
 * @example
 * ```ts
 * const handle = breaker.isolate();
 * await breaker.execute(call).catch((error) => isCircuitIsolatedError(error)); // true
 * handle.release();
 * ```
 */
export class CircuitIsolatedError extends IapError<typeof ResilienceErrorCode.CIRCUIT_ISOLATED> {
  static override readonly errorBrand = 'iap.resilience.CircuitIsolatedError';
  /** @param breakerName - the breaker's `name` option, used in the message. */
  constructor(breakerName: string) {
    super(
      ResilienceErrorCode.CIRCUIT_ISOLATED,
      `circuit breaker "${breakerName}" is isolated by an operator: the call was not made; release the isolation to resume calls`,
      { retryable: false, details: { breaker: breakerName, state: 'isolated' } },
    );
    this.name = 'CircuitIsolatedError';
  }
}

/**
 * True when `value` is a {@link CircuitIsolatedError} (code `CIRCUIT_ISOLATED`).
 *
 * @example
 * ```ts
 * if (isCircuitIsolatedError(error)) alertOperator(error.message);
 * ```
 */
export function isCircuitIsolatedError(value: unknown): value is CircuitIsolatedError {
  return CircuitIsolatedError.isInstance(value);
}
