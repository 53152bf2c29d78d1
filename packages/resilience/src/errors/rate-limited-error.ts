import { IapError } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * A rate limiter rejected a call. `retryAfterMs` is the time after which the same request would be
 * admitted if nobody else takes the capacity first.
 *
 * @example
 * ```ts
 * await limiter.execute(call).catch((error) => {
 *   if (isRateLimitedError(error)) res.setHeader('Retry-After', Math.ceil(error.retryAfterMs / 1000));
 *   throw error;
 * });
 * ```
 */
export class RateLimitedError extends IapError<typeof ResilienceErrorCode.RATE_LIMITED> {
  static override readonly errorBrand = 'iap.resilience.RateLimitedError';
  /** Milliseconds until the request would be admitted. */
  declare readonly retryAfterMs: number;

  /**
   * @param limiterName - the limiter's `name` option, used in the message.
   * @param retryAfterMs - milliseconds until the request would be admitted.
   * @param permits - permits the request asked for.
   */
  constructor(limiterName: string, retryAfterMs: number, permits: number) {
    const wait = Math.max(0, Math.ceil(retryAfterMs));
    super(ResilienceErrorCode.RATE_LIMITED, `rate limiter "${limiterName}" has no capacity for ${permits} permit(s): the call was not made; retry in ${wait} ms`, {
      retryable: true,
      retryAfterMs: wait,
      details: { limiter: limiterName, permits },
    });
    this.name = 'RateLimitedError';
  }
}

/**
 * True when `value` is a {@link RateLimitedError} (code `RATE_LIMITED`).
 *
 * @example
 * ```ts
 * if (isRateLimitedError(error)) await sleep(error.retryAfterMs);
 * ```
 */
export function isRateLimitedError(value: unknown): value is RateLimitedError {
  return RateLimitedError.isInstance(value);
}
