import { noopTelemetry, systemClock, uuidv7, type Clock, type RandomSource, type RetryPolicy, type RetryPolicyOptions, type Telemetry, type TypedEmitterOptions } from '@iap/core';
import { invalidOptions } from './saga-errors.js';
import { DEFAULT_SAGA_COMPENSATION_RETRY, DEFAULT_SAGA_RETRY, defaultShouldRetry, mergeRetryPolicy } from './saga-retry-policy.js';
import type { SagaStore } from './saga-store.js';

/**
 * Options of a saga definition ({@link defineSaga}): the defaults of its steps' retries. Each
 * policy you pass is merged over its documented default, option by option.
 *
 * @example
 * ```ts
 * defineSaga('place-order', { retry: { maxAttempts: 5 }, shouldRetry: (error) => !(error instanceof CardDeclined) });
 * ```
 */
export interface SagaDefinitionOptions {
  /**
   * Default retry policy of step actions (core `RetryPolicyOptions`), merged over the default:
   * `{ maxAttempts: 5 }` keeps the backoff, the cap and the jitter below.
   * @defaultValue `{ maxAttempts: 3, backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, maxDelayMs: 10_000, jitter: 'full' }`
   */
  retry?: RetryPolicyOptions;
  /**
   * Default retry policy of compensations, merged over the default.
   * @defaultValue `{ maxAttempts: 5, backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, maxDelayMs: 10_000, jitter: 'full' }`
   */
  compensationRetry?: RetryPolicyOptions;
  /**
   * Whether a failed attempt may be retried (a `NonRetriableError` never is, as with every retry
   * policy of this package).
   * @defaultValue core's `isRetryableError`: retry every error except an `IapError` whose `retryable` is false, aborts and programming errors (`TypeError`, `RangeError`, `SyntaxError`, `ReferenceError`)
   */
  shouldRetry?: (error: unknown) => boolean;
}

/**
 * Options of a saga runner ({@link createSagaRunner}): the runtime that drives runs of a definition.
 *
 * @example
 * ```ts
 * createSagaRunner(placeOrder, { store, leaseMs: 15_000, clock: new ManualClock(0) });
 * ```
 */
export interface SagaRunnerOptions {
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
   * @defaultValue a random UUIDv7 per runner
   */
  workerId?: string;
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

/**
 * Options of {@link createSaga}: those of the definition and those of its runner in one object.
 *
 * @example
 * ```ts
 * createSaga('place-order', { store, leaseMs: 15_000, retry: { maxAttempts: 5 }, clock: new ManualClock(0) });
 * ```
 */
export interface SagaOptions extends SagaDefinitionOptions, SagaRunnerOptions {}

/** @internal The definition options with their defaults applied. */
export interface ResolvedDefinitionOptions {
  readonly retry: RetryPolicy;
  readonly compensationRetry: RetryPolicy;
  readonly shouldRetry: (error: unknown) => boolean;
}

/** @internal The runner options with their defaults applied. */
export interface ResolvedRunnerOptions {
  readonly store: SagaStore | undefined;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly workerId: string;
  readonly random: RandomSource;
  readonly pollIntervalMs: number;
  readonly onListenerError: TypedEmitterOptions['onListenerError'];
  readonly telemetry: Telemetry;
}

function positiveNumber(where: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidOptions(where, `${name} must be a finite number > 0`);
  return value;
}

function assertObject(where: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object');
}

/** @internal Resolves and validates {@link SagaDefinitionOptions} in one place (`where` names the caller). */
export function resolveDefinitionOptions(where: string, options: SagaDefinitionOptions): ResolvedDefinitionOptions {
  assertObject(where, options);
  if (options.shouldRetry !== undefined && typeof options.shouldRetry !== 'function') throw invalidOptions(where, 'shouldRetry must be a function');
  return Object.freeze({
    retry: mergeRetryPolicy(`${where} option retry`, DEFAULT_SAGA_RETRY, options.retry),
    compensationRetry: mergeRetryPolicy(`${where} option compensationRetry`, DEFAULT_SAGA_COMPENSATION_RETRY, options.compensationRetry),
    shouldRetry: options.shouldRetry ?? defaultShouldRetry,
  });
}

/** @internal Resolves and validates {@link SagaRunnerOptions} in one place (`where` names the caller). */
export function resolveRunnerOptions(where: string, options: SagaRunnerOptions): ResolvedRunnerOptions {
  assertObject(where, options);
  if (options.store !== undefined) assertSagaStore(where, options.store);
  const clock = options.clock ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw invalidOptions(where, 'clock must implement now(), setTimeout() and clearTimeout()');
  }
  const leaseMs = positiveNumber(where, 'leaseMs', options.leaseMs ?? 30_000);
  const workerId = options.workerId ?? uuidv7(clock.now());
  if (typeof workerId !== 'string' || workerId.length === 0 || workerId.length > 200) throw invalidOptions(where, 'workerId must be a string of 1 to 200 characters');
  if (options.random !== undefined && typeof options.random !== 'function') throw invalidOptions(where, 'random must be a function returning a number in [0, 1)');
  if (options.telemetry !== undefined && (typeof options.telemetry !== 'object' || options.telemetry === null)) throw invalidOptions(where, 'telemetry must be a Telemetry object (counter, histogram, gauge hooks)');
  return Object.freeze({
    store: options.store,
    clock,
    leaseMs,
    workerId,
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
