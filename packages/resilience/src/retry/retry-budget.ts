import { systemClock, type Clock } from '@iap/core';
import { BucketWindow, checkBucketWindow } from '../internal/bucket-window.js';
import { checkInteger, checkRatio, invalidOptions } from '../internal/options.js';

/**
 * Options for {@link createRetryBudget}.
 *
 * @example
 * ```ts
 * const options: RetryBudgetOptions = { retryRatio: 0.2, minRetriesPerWindow: 5, windowMs: 30_000 };
 * ```
 */
export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of calls in the window (0 < r <= 1). @defaultValue `0.1` */
  retryRatio?: number;
  /** Retries always allowed per window (an integer >= 0), so a quiet service can still retry. @defaultValue `10` */
  minRetriesPerWindow?: number;
  /** The sliding window over which calls and retries are counted, in whole ms. @defaultValue `10_000` */
  windowMs?: number;
  /** Buckets the window is made of (at most one per ms of `windowMs`). @defaultValue `10` */
  bucketCount?: number;
  /** @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * A point-in-time view of a {@link RetryBudget}.
 *
 * @example
 * ```ts
 * const { calls, retries, allowedRetries } = budget.stats();
 * ```
 */
export interface RetryBudgetStats {
  /** First attempts counted in the window. */
  readonly calls: number;
  /** Retries spent in the window. */
  readonly retries: number;
  /** Retries the window allows in total right now. */
  readonly allowedRetries: number;
}

/**
 * A retry budget: retries may make up at most `retryRatio` of recent calls (plus a small floor),
 * so when a dependency is down, retries stop multiplying the load on it (no retry storm). Share one
 * budget between the retry policies that call the same dependency.
 *
 * @example
 * ```ts
 * const budget: RetryBudget = createRetryBudget();
 * if (!budget.tryAcquireRetry()) throw lastError;
 * ```
 */
export interface RetryBudget {
  /** Counts a first attempt. Retry policies call it; call it yourself for calls made without one. */
  recordCall(): void;
  /** Spends one retry when the budget allows it; false when it is spent. */
  tryAcquireRetry(): boolean;
  stats(): RetryBudgetStats;
}

const COMPONENT = 'retry budget';
const CALLS = 0;
const RETRIES = 1;

/**
 * Creates a {@link RetryBudget} over a time-based sliding window (fixed buckets, O(1) per call).
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 * @example
 * ```ts
 * const budget = createRetryBudget({ retryRatio: 0.2, minRetriesPerWindow: 5 });
 * const retryCrm = createRetry({ maxAttempts: 4, budget });
 * ```
 */
export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  if (typeof options !== 'object' || options === null) throw invalidOptions(COMPONENT, 'options must be an object');
  const retryRatio = checkRatio(COMPONENT, 'retryRatio', options.retryRatio ?? 0.1);
  const minRetriesPerWindow = checkInteger(COMPONENT, 'minRetriesPerWindow', options.minRetriesPerWindow ?? 10, 0);
  const windowMs = options.windowMs ?? 10_000;
  const bucketCount = options.bucketCount ?? 10;
  checkBucketWindow(COMPONENT, 'windowMs', windowMs, 'bucketCount', bucketCount);
  const clock = options.clock ?? systemClock;
  const window = new BucketWindow(windowMs, bucketCount, 2);
  const allowed = (): number => Math.floor(retryRatio * window.total(CALLS)) + minRetriesPerWindow;
  return {
    recordCall() {
      window.add(clock.now(), CALLS);
    },
    tryAcquireRetry() {
      const now = clock.now();
      window.advance(now);
      if (window.total(RETRIES) >= allowed()) return false;
      window.add(now, RETRIES);
      return true;
    },
    stats() {
      window.advance(clock.now());
      return { calls: window.total(CALLS), retries: window.total(RETRIES), allowedRetries: allowed() };
    },
  };
}
