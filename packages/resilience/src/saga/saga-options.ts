import {
  createRetryPolicy,
  IapError,
  noopTelemetry,
  systemClock,
  uuidv7,
  type Clock,
  type RandomSource,
  type RetryPolicy,
  type RetryPolicyOptions,
  type Telemetry,
  type TypedEmitterOptions,
} from '@iap/core';
import { invalidOptions } from './saga-errors.js';
import type { SagaStore } from './saga-store.js';

/**
 * Options of {@link createSaga}.
 *
 * @example
 * ```ts
 * createSaga('place-order', { store, leaseMs: 15_000, retry: { maxAttempts: 5 }, clock: new ManualClock(0) });
 * ```
 */
export interface SagaOptions {
  /**
   * Store used by `run`, `resume` and the operator calls when they are not given one.
   * @defaultValue none: pass `store` to each call
   */
  store?: SagaStore;
  /**
   * Source of time for leases, retries, timeouts and deadlines.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * How long a worker's lease on a saga lasts, in ms. The worker renews it every `leaseMs / 3` while
   * it runs the saga; when the worker dies, another one may take over after at most `leaseMs`.
   * @defaultValue `30_000`
   */
  leaseMs?: number;
  /**
   * Identifies this worker as lease owner in the store.
   * @defaultValue a random UUIDv7 per saga object
   */
  workerId?: string;
  /**
   * Default retry policy of step actions.
   * @defaultValue `{ maxAttempts: 3, backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, maxDelayMs: 10_000, jitter: 'full' }`
   */
  retry?: RetryPolicyOptions;
  /**
   * Default retry policy of compensations.
   * @defaultValue `{ maxAttempts: 5, backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, maxDelayMs: 10_000, jitter: 'full' }`
   */
  compensationRetry?: RetryPolicyOptions;
  /**
   * Whether a failed attempt may be retried.
   * @defaultValue retry every error except an `IapError` whose `retryable` is false
   */
  shouldRetry?: (error: unknown) => boolean;
  /**
   * Random source for retry jitter (inject `seededRandom(n)` in tests).
   * @defaultValue `Math.random`
   */
  random?: RandomSource;
  /**
   * When `run()` finds its `sagaId` being run by another live worker, how often it looks again
   * until that run finishes (or its lease expires and this call takes over), in ms.
   * @defaultValue `1_000`
   */
  pollIntervalMs?: number;
  /**
   * Metrics of this saga through core's telemetry hooks: counters of started, finished, stopped
   * sagas and of completed, failed, retried, compensated and skipped steps; histograms of saga
   * duration and step attempts (names and attributes in the README). Attributes carry saga and step
   * names and statuses, never ids, inputs or results.
   * @defaultValue `noopTelemetry`
   */
  telemetry?: Telemetry;
  /**
   * Called when an event listener throws (listeners never break a saga).
   * @defaultValue reports to `console.error`
   */
  onListenerError?: TypedEmitterOptions['onListenerError'];
}

/** @internal Every saga option with its default applied. */
export interface ResolvedSagaOptions {
  readonly store: SagaStore | undefined;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly workerId: string;
  readonly retry: RetryPolicy;
  readonly compensationRetry: RetryPolicy;
  readonly shouldRetry: (error: unknown) => boolean;
  readonly random: RandomSource;
  readonly pollIntervalMs: number;
  readonly onListenerError: TypedEmitterOptions['onListenerError'];
  readonly telemetry: Telemetry;
}

const DEFAULT_RETRY: RetryPolicyOptions = {
  maxAttempts: 3,
  backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 },
  maxDelayMs: 10_000,
  jitter: 'full',
};

const DEFAULT_COMPENSATION_RETRY: RetryPolicyOptions = {
  maxAttempts: 5,
  backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 },
  maxDelayMs: 10_000,
  jitter: 'full',
};

/** @internal The default `shouldRetry`: an IapError says whether it is retryable; other errors are retried. */
export function defaultShouldRetry(error: unknown): boolean {
  return IapError.isInstance(error) ? error.retryable : true;
}

/** @internal Validates a retry policy, naming where it came from when it is invalid. */
export function resolveRetryPolicy(where: string, options: RetryPolicyOptions): RetryPolicy {
  try {
    return createRetryPolicy(options);
  } catch (error) {
    throw invalidOptions(where, error instanceof Error ? error.message : 'invalid retry policy');
  }
}

function positiveNumber(where: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidOptions(where, `${name} must be a finite number > 0`);
  return value;
}

/** @internal Resolves and validates {@link SagaOptions} in one place. */
export function resolveSagaOptions(sagaName: string, options: SagaOptions): ResolvedSagaOptions {
  const where = `createSaga("${sagaName}")`;
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object');
  if (options.store !== undefined) assertSagaStore(where, options.store);
  const clock = options.clock ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw invalidOptions(where, 'clock must implement now(), setTimeout() and clearTimeout()');
  }
  const leaseMs = positiveNumber(where, 'leaseMs', options.leaseMs ?? 30_000);
  const workerId = options.workerId ?? uuidv7(clock.now());
  if (typeof workerId !== 'string' || workerId.length === 0 || workerId.length > 200) throw invalidOptions(where, 'workerId must be a string of 1 to 200 characters');
  if (options.shouldRetry !== undefined && typeof options.shouldRetry !== 'function') throw invalidOptions(where, 'shouldRetry must be a function');
  if (options.random !== undefined && typeof options.random !== 'function') throw invalidOptions(where, 'random must be a function returning a number in [0, 1)');
  if (options.telemetry !== undefined && (typeof options.telemetry !== 'object' || options.telemetry === null)) throw invalidOptions(where, 'telemetry must be a Telemetry object (counter, histogram, gauge hooks)');
  return Object.freeze({
    store: options.store,
    clock,
    leaseMs,
    workerId,
    retry: resolveRetryPolicy(`${where} option retry`, options.retry ?? DEFAULT_RETRY),
    compensationRetry: resolveRetryPolicy(`${where} option compensationRetry`, options.compensationRetry ?? DEFAULT_COMPENSATION_RETRY),
    shouldRetry: options.shouldRetry ?? defaultShouldRetry,
    random: options.random ?? Math.random,
    pollIntervalMs: positiveNumber(where, 'pollIntervalMs', options.pollIntervalMs ?? 1_000),
    onListenerError: options.onListenerError,
    telemetry: options.telemetry ?? noopTelemetry,
  });
}

const STORE_METHODS = ['create', 'get', 'list', 'acquire', 'claim', 'checkpoint', 'purge'] as const;

/** @internal Throws `INVALID_OPTIONS` unless `store` implements {@link SagaStore}. */
export function assertSagaStore(where: string, store: unknown): asserts store is SagaStore {
  const s = store as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || STORE_METHODS.some((m) => typeof s[m] !== 'function')) {
    throw invalidOptions(where, `store must implement the SagaStore contract (${STORE_METHODS.join(', ')})`);
  }
}
