import { IapError } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * Rejection of a call by an open circuit breaker, or by a half-open one whose trial calls are all
 * taken. `retryAfterMs` says when the breaker will next admit a call (open) or decide (half-open).
 *
 * @example
 * ```ts
 * try {
 *   await breaker.execute(() => crm.getAccount(id));
 * } catch (error) {
 *   if (isCircuitOpenError(error)) return serveFromCache(id, error.retryAfterMs);
 *   throw error;
 * }
 * ```
 */
export class CircuitOpenError extends IapError<typeof ResilienceErrorCode.CIRCUIT_OPEN> {
  static override readonly errorBrand = 'iap.resilience.CircuitOpenError';
  /** Milliseconds until the breaker may admit calls again. */
  declare readonly retryAfterMs: number;

  /**
   * @param breakerName - the breaker's `name` option, used in the message.
   * @param state - `open` or `half-open`.
   * @param retryAfterMs - milliseconds until the breaker may admit calls again.
   */
  constructor(breakerName: string, state: 'open' | 'half-open', retryAfterMs: number) {
    const wait = Math.max(0, Math.ceil(retryAfterMs));
    super(
      ResilienceErrorCode.CIRCUIT_OPEN,
      state === 'open'
        ? `circuit breaker "${breakerName}" is open: the call was not made; retry in ${wait} ms or serve a fallback`
        : `circuit breaker "${breakerName}" is half-open and all its trial calls are taken: the call was not made; retry in up to ${wait} ms`,
      { retryable: true, retryAfterMs: wait, details: { breaker: breakerName, state } },
    );
    this.name = 'CircuitOpenError';
  }
}

/**
 * True when `value` is a {@link CircuitOpenError} (code `CIRCUIT_OPEN`), from any copy of the package.
 *
 * @example
 * ```ts
 * if (isCircuitOpenError(error)) console.log(`come back in ${error.retryAfterMs} ms`);
 * ```
 */
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return CircuitOpenError.isInstance(value);
}
