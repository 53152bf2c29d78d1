import { IapError, readRetryAfterMs } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * Why a retry policy stopped retrying (mirrors core's `RetryDecision` reasons).
 *
 * @example
 * ```ts
 * if (isRetryExhaustedError(error) && error.reason === 'retry_after_exceeds_caps') scheduleLater(error.retryAfterMs);
 * ```
 */
export type RetryGiveUpReason = 'max_attempts' | 'max_elapsed' | 'retry_after_exceeds_caps';

/**
 * Every attempt of a retry policy failed. `errors` keeps the error of each attempt in order;
 * `cause` is the last one.
 *
 * @example
 * ```ts
 * await retryPolicy.execute(call).catch((error) => {
 *   if (isRetryExhaustedError(error)) log.warn({ attempts: error.attempts, reason: error.reason }, error.message);
 *   throw error;
 * });
 * ```
 */
export class RetryExhaustedError extends IapError<typeof ResilienceErrorCode.RETRY_EXHAUSTED> {
  static override readonly errorBrand = 'iap.resilience.RetryExhaustedError';
  /** Attempts made, including the first. */
  readonly attempts: number;
  /** The error of every attempt, oldest first. */
  readonly errors: readonly unknown[];
  /** Why the policy stopped. */
  readonly reason: RetryGiveUpReason;

  /**
   * @param errors - the error of every attempt, oldest first (at least one).
   * @param reason - why the policy stopped.
   */
  constructor(errors: readonly unknown[], reason: RetryGiveUpReason) {
    const last = errors[errors.length - 1];
    const why =
      reason === 'max_attempts' ? 'maxAttempts was reached' : reason === 'max_elapsed' ? 'the next attempt would start after maxElapsedMs' : 'the Retry-After hint exceeds maxDelayMs or maxElapsedMs';
    const retryAfterMs = readRetryAfterMs(last);
    super(ResilienceErrorCode.RETRY_EXHAUSTED, `all ${errors.length} attempt(s) failed and ${why}; the last error is the cause`, {
      cause: last,
      retryable: false,
      details: { attempts: errors.length, reason },
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    this.name = 'RetryExhaustedError';
    this.attempts = errors.length;
    this.errors = Object.freeze([...errors]);
    this.reason = reason;
  }
}

/**
 * True when `value` is a {@link RetryExhaustedError} (code `RETRY_EXHAUSTED`).
 *
 * @example
 * ```ts
 * if (isRetryExhaustedError(error)) console.log(error.errors.length);
 * ```
 */
export function isRetryExhaustedError(value: unknown): value is RetryExhaustedError {
  return RetryExhaustedError.isInstance(value);
}
