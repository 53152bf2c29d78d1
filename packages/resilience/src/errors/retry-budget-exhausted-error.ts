import { IapError } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * A retry was needed but the retry budget is spent: retries already make up the allowed fraction of
 * recent calls, so retrying now would feed a retry storm. `errors` keeps every attempt's error.
 *
 * @example
 * ```ts
 * await retryPolicy.execute(call).catch((error) => {
 *   if (isRetryBudgetExhaustedError(error)) metrics.count('retry.budget_exhausted');
 *   throw error;
 * });
 * ```
 */
export class RetryBudgetExhaustedError extends IapError<typeof ResilienceErrorCode.RETRY_BUDGET_EXHAUSTED> {
  static override readonly errorBrand = 'iap.resilience.RetryBudgetExhaustedError';
  /** Attempts made, including the first. */
  readonly attempts: number;
  /** The error of every attempt, oldest first. */
  readonly errors: readonly unknown[];

  /** @param errors - the error of every attempt, oldest first (at least one). */
  constructor(errors: readonly unknown[]) {
    super(
      ResilienceErrorCode.RETRY_BUDGET_EXHAUSTED,
      `the retry budget is spent after ${errors.length} attempt(s): retries already make up the allowed share of recent calls; the last error is the cause`,
      { cause: errors[errors.length - 1], retryable: false, details: { attempts: errors.length } },
    );
    this.name = 'RetryBudgetExhaustedError';
    this.attempts = errors.length;
    this.errors = Object.freeze([...errors]);
  }
}

/**
 * True when `value` is a {@link RetryBudgetExhaustedError} (code `RETRY_BUDGET_EXHAUSTED`).
 *
 * @example
 * ```ts
 * if (isRetryBudgetExhaustedError(error)) console.log(error.attempts);
 * ```
 */
export function isRetryBudgetExhaustedError(value: unknown): value is RetryBudgetExhaustedError {
  return RetryBudgetExhaustedError.isInstance(value);
}
