import { ErrorCode, IapError } from '@iap/core';

/**
 * A call exceeded the timeout policy's `timeoutMs`. `cause` is the callee's own error when it
 * stopped because of the abort signal (cooperative timeout).
 *
 * @example
 * ```ts
 * await timeout.execute(({ signal }) => fetch(url, { signal: signal ?? null })).catch((error) => {
 *   if (isTimeoutError(error)) metrics.count('crm.timeout');
 *   throw error;
 * });
 * ```
 */
export class TimeoutError extends IapError<typeof ErrorCode.TIMEOUT> {
  static override readonly errorBrand = 'iap.resilience.TimeoutError';
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param timeoutMs - the timeout that was exceeded.
   * @param cause - the callee's error, when it stopped because of the abort.
   */
  constructor(timeoutMs: number, cause?: unknown) {
    super(ErrorCode.TIMEOUT, `the call did not finish within its timeout of ${timeoutMs} ms; raise timeoutMs or check the dependency's latency`, {
      retryable: true,
      details: { timeoutMs },
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * True when `value` is a {@link TimeoutError} (code `TIMEOUT`).
 *
 * @example
 * ```ts
 * if (isTimeoutError(error)) console.log(error.message);
 * ```
 */
export function isTimeoutError(value: unknown): value is TimeoutError {
  return TimeoutError.isInstance(value);
}
