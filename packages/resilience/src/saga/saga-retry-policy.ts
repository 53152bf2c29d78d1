import { createRetryPolicy, isRetryableError, RETRY_POLICY_OPTION_NAMES, type RetryPolicy, type RetryPolicyOptions } from '@iap/core';
import { invalidOptions } from './saga-errors.js';

/** @internal The documented default of the saga option `retry` (step actions). */
export const DEFAULT_SAGA_RETRY: RetryPolicyOptions = Object.freeze({
  maxAttempts: 3,
  backoff: Object.freeze({ kind: 'exponential', initialDelayMs: 100, multiplier: 2 }),
  maxDelayMs: 10_000,
  jitter: 'full',
});

/** @internal The documented default of the saga option `compensationRetry`. */
export const DEFAULT_SAGA_COMPENSATION_RETRY: RetryPolicyOptions = Object.freeze({
  maxAttempts: 5,
  backoff: Object.freeze({ kind: 'exponential', initialDelayMs: 200, multiplier: 2 }),
  maxDelayMs: 10_000,
  jitter: 'full',
});

/**
 * @internal The default `shouldRetry`: core's `isRetryableError`, the family's one default (an
 * IapError says whether it is retryable; aborts and programming errors are not retried; other errors are).
 */
export const defaultShouldRetry: (error: unknown) => boolean = isRetryableError;

/**
 * @internal Resolves `options` merged over `base`, option by option (an option left out or
 * `undefined` keeps the base's value; `backoff` is replaced as a whole), so `{ maxAttempts: 5 }`
 * keeps the base's backoff, cap and jitter (other keys are ignored, as core's `createRetryPolicy` ignores them). Throws `INVALID_OPTIONS` naming `where` when the
 * result is not a valid policy.
 */
export function mergeRetryPolicy(where: string, base: RetryPolicyOptions, options: unknown): RetryPolicy {
  if (options === undefined) return resolve(where, base);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidOptions(where, 'a retry policy must be an object (core RetryPolicyOptions)');
  const merged: Record<string, unknown> = { ...base };
  for (const key of RETRY_POLICY_OPTION_NAMES) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) merged[key] = value;
  }
  return resolve(where, merged);
}

function resolve(where: string, options: RetryPolicyOptions): RetryPolicy {
  try {
    return createRetryPolicy(options);
  } catch (error) {
    throw invalidOptions(where, error instanceof Error ? error.message : 'invalid retry policy');
  }
}
