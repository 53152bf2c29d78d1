import { ErrorCode, baseRetryDelay, createRetryPolicy, hasErrorCode, systemClock, type Backoff, type Clock, type RetryPolicy } from '@iap/core';
import { checkFunction, checkInteger, checkName, checkPositive, checkRatio, invalidOptions } from '../internal/options.js';
import { checkBucketWindow } from '../internal/bucket-window.js';
import type { CircuitBreakerSnapshot } from './circuit-breaker-snapshot.js';
import type { CircuitStateStore } from './circuit-state-store.js';

/**
 * How a call ended, as the breaker counts it. `ignored` counts as neither success nor failure.
 *
 * @example
 * ```ts
 * const classifyError = (error: unknown): CallOutcome => (isNotFound(error) ? 'success' : 'failure');
 * ```
 */
export type CallOutcome = 'success' | 'failure' | 'ignored';

/**
 * The sliding window the failure rate and slow-call rate are computed over:
 * - `count`: the last `size` calls;
 * - `time`: the last `durationMs`, made of `bucketCount` fixed buckets (O(1) per call).
 *
 * @example
 * ```ts
 * const lastHundredCalls: CircuitWindowOptions = { kind: 'count', size: 100 };
 * const lastTenSeconds: CircuitWindowOptions = { kind: 'time', durationMs: 10_000, bucketCount: 10 };
 * ```
 */
export type CircuitWindowOptions =
  | { readonly kind: 'count'; readonly size: number }
  | { readonly kind: 'time'; readonly durationMs: number; readonly bucketCount?: number };

/**
 * Options for {@link createCircuitBreaker}. Every way to trip is optional; any one that fires opens the circuit.
 *
 * @example
 * ```ts
 * const options: CircuitBreakerOptions = { name: 'crm', window: { kind: 'count', size: 50 }, failureRateThreshold: 0.5, openDurationMs: 15_000 };
 * ```
 */
export interface CircuitBreakerOptions {
  /** Name used in errors, events and as the state-store key. @defaultValue `'circuit-breaker'` */
  name?: string;
  /**
   * Open after this many failures in a row.
   * @defaultValue `5` when no `window` is given, otherwise off
   */
  consecutiveFailures?: number;
  /** The window for `failureRateThreshold` and `slowCallRateThreshold`. @defaultValue none */
  window?: CircuitWindowOptions;
  /**
   * Open when failures / calls in the window reach this ratio (0 < r <= 1). Needs `window`.
   * @defaultValue `0.5` when a `window` is given
   */
  failureRateThreshold?: number;
  /** Open when slow calls / calls in the window reach this ratio. Needs `window` and `slowCallDurationMs`. @defaultValue off */
  slowCallRateThreshold?: number;
  /** A call that takes at least this long is slow (success or failure). @defaultValue none (no call is slow) */
  slowCallDurationMs?: number;
  /**
   * Calls the window must hold before any rate counts. For a count window it must be <= `size`.
   * @defaultValue `10` (a count window smaller than 10: its `size`)
   */
  minimumCalls?: number;
  /**
   * Classifies an error thrown by the call.
   * An error thrown after the caller's own `signal` aborted is `ignored` without asking the classifier
   * (the caller gave up, not the dependency), whatever the callee threw (`signal.reason`, an `AbortError`, ...).
   * @defaultValue `ABORTED` errors are `ignored` (the caller gave up, not the dependency), every other error is a `failure`
   */
  classifyError?: (error: unknown) => CallOutcome;
  /** Classifies a value returned by the call (an HTTP 503 response can be a failure). @defaultValue every value is a `success` */
  classifyResult?: (result: unknown) => CallOutcome;
  /** How long the circuit stays open before admitting trial calls. @defaultValue `30_000` */
  openDurationMs?: number;
  /**
   * An open duration that grows with consecutive trips (trip 1, 2, ... is the attempt number of
   * core's backoff maths), capped by `maxOpenDurationMs`; a successful close starts over. Replaces
   * `openDurationMs`. Its first delay (`delayMs` / `initialDelayMs`) must be > 0.
   * @defaultValue none (constant `openDurationMs`)
   */
  openBackoff?: Backoff;
  /** Cap of the open duration when `openBackoff` grows it. @defaultValue `300_000` */
  maxOpenDurationMs?: number;
  /** Trial calls admitted while half-open; all must succeed to close. @defaultValue `1` */
  halfOpenMaxCalls?: number;
  /**
   * The longest time trial calls may stay unsettled while half-open; then the circuit opens again
   * (a trial call that never settles cannot wedge the breaker). @defaultValue `30_000`
   */
  maxHalfOpenDurationMs?: number;
  /** Start from a snapshot taken with `toSnapshot()` (serverless, restarts). @defaultValue none */
  snapshot?: CircuitBreakerSnapshot;
  /** Share state with other breakers of the same `name` through this store. @defaultValue none */
  stateStore?: CircuitStateStore;
  /** How often to read the shared state from `stateStore`. @defaultValue `1_000` */
  stateSyncIntervalMs?: number;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** Receives errors thrown by event listeners. @defaultValue reports to `console.error` */
  onListenerError?: (error: unknown, event: string) => void;
}

/** Options after validation, with every default resolved. */
export interface ResolvedCircuitBreakerOptions {
  readonly name: string;
  readonly consecutiveFailures: number;
  readonly window: { readonly kind: 'count'; readonly size: number } | { readonly kind: 'time'; readonly durationMs: number; readonly bucketCount: number } | undefined;
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number;
  readonly slowCallDurationMs: number;
  readonly minimumCalls: number;
  readonly classifyError: (error: unknown) => CallOutcome;
  readonly classifyResult: ((result: unknown) => CallOutcome) | undefined;
  readonly openDurationMs: number;
  readonly openBackoff: RetryPolicy | undefined;
  readonly halfOpenMaxCalls: number;
  readonly maxHalfOpenDurationMs: number;
  readonly snapshot: CircuitBreakerSnapshot | undefined;
  readonly stateStore: CircuitStateStore | undefined;
  readonly stateSyncIntervalMs: number;
  readonly clock: Clock;
  readonly onListenerError: ((error: unknown, event: string) => void) | undefined;
}

const COMPONENT = 'circuit breaker';

/** The default error classifier: aborted calls are ignored, everything else is a failure. */
export function defaultClassifyError(error: unknown): CallOutcome {
  return hasErrorCode(error, ErrorCode.ABORTED) ? 'ignored' : 'failure';
}

/**
 * Validates options and resolves every default, in one place.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 */
export function resolveCircuitBreakerOptions(options: CircuitBreakerOptions): ResolvedCircuitBreakerOptions {
  if (typeof options !== 'object' || options === null) throw invalidOptions(COMPONENT, 'options must be an object');
  const name = checkName(COMPONENT, options.name ?? 'circuit-breaker');
  const window = resolveWindow(options.window);
  const consecutiveFailures = options.consecutiveFailures ?? (window === undefined ? 5 : 0);
  if (options.consecutiveFailures !== undefined) checkInteger(COMPONENT, 'consecutiveFailures', consecutiveFailures, 1);

  if (window === undefined) {
    for (const key of ['failureRateThreshold', 'slowCallRateThreshold', 'minimumCalls'] as const) {
      if (options[key] !== undefined) throw invalidOptions(COMPONENT, `${key} needs a window ({ kind: 'count', size } or { kind: 'time', durationMs })`);
    }
  }
  const failureRateThreshold = window === undefined ? 0 : checkRatio(COMPONENT, 'failureRateThreshold', options.failureRateThreshold ?? 0.5);
  const slowCallRateThreshold = options.slowCallRateThreshold === undefined ? 0 : checkRatio(COMPONENT, 'slowCallRateThreshold', options.slowCallRateThreshold);
  const slowCallDurationMs = options.slowCallDurationMs === undefined ? Number.POSITIVE_INFINITY : checkPositive(COMPONENT, 'slowCallDurationMs', options.slowCallDurationMs);
  if (slowCallRateThreshold > 0 && options.slowCallDurationMs === undefined) throw invalidOptions(COMPONENT, 'slowCallRateThreshold needs slowCallDurationMs');

  let minimumCalls = 0;
  if (window !== undefined) {
    minimumCalls = checkInteger(COMPONENT, 'minimumCalls', options.minimumCalls ?? (window.kind === 'count' ? Math.min(10, window.size) : 10), 1);
    if (window.kind === 'count' && minimumCalls > window.size) throw invalidOptions(COMPONENT, `minimumCalls (${minimumCalls}) must be <= window.size (${window.size}), or no rate could ever count`);
  }

  checkFunction(COMPONENT, 'classifyError', options.classifyError);
  checkFunction(COMPONENT, 'classifyResult', options.classifyResult);

  if (options.openDurationMs !== undefined && options.openBackoff !== undefined) throw invalidOptions(COMPONENT, 'give openDurationMs (constant) or openBackoff (growing), not both');
  const openDurationMs = checkPositive(COMPONENT, 'openDurationMs', options.openDurationMs ?? 30_000);
  let openBackoff: RetryPolicy | undefined;
  if (options.openBackoff !== undefined) {
    const maxOpenDurationMs = checkPositive(COMPONENT, 'maxOpenDurationMs', options.maxOpenDurationMs ?? 300_000);
    try {
      openBackoff = createRetryPolicy({ maxAttempts: 1, backoff: options.openBackoff, maxDelayMs: maxOpenDurationMs, jitter: 'none' });
    } catch (error) {
      throw invalidOptions(COMPONENT, `openBackoff: ${(error as Error).message}`);
    }
    // an open duration of 0 would make every trip half-open at once (and an exponential one stays 0)
    if (!(baseRetryDelay(openBackoff, 1) > 0)) {
      const field = options.openBackoff.kind === 'constant' ? 'delayMs' : 'initialDelayMs';
      throw invalidOptions(COMPONENT, `openBackoff.${field} must be > 0 (the circuit would never stay open); openDurationMs is > 0 for the same reason`);
    }
  } else if (options.maxOpenDurationMs !== undefined) {
    throw invalidOptions(COMPONENT, 'maxOpenDurationMs only applies with openBackoff');
  }

  const halfOpenMaxCalls = checkInteger(COMPONENT, 'halfOpenMaxCalls', options.halfOpenMaxCalls ?? 1, 1);
  const maxHalfOpenDurationMs = checkPositive(COMPONENT, 'maxHalfOpenDurationMs', options.maxHalfOpenDurationMs ?? 30_000);
  const stateSyncIntervalMs = checkPositive(COMPONENT, 'stateSyncIntervalMs', options.stateSyncIntervalMs ?? 1_000);
  if (options.stateStore !== undefined && (typeof options.stateStore.read !== 'function' || typeof options.stateStore.compareAndSet !== 'function')) {
    throw invalidOptions(COMPONENT, 'stateStore must implement read(key) and compareAndSet(key, expectedVersion, next)');
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function') throw invalidOptions(COMPONENT, 'clock must implement now, setTimeout and clearTimeout');

  return {
    name,
    consecutiveFailures,
    window,
    failureRateThreshold,
    slowCallRateThreshold,
    slowCallDurationMs,
    minimumCalls,
    classifyError: options.classifyError ?? defaultClassifyError,
    classifyResult: options.classifyResult,
    openDurationMs,
    openBackoff,
    halfOpenMaxCalls,
    maxHalfOpenDurationMs,
    snapshot: options.snapshot,
    stateStore: options.stateStore,
    stateSyncIntervalMs,
    clock,
    onListenerError: options.onListenerError,
  };
}

function resolveWindow(window: CircuitWindowOptions | undefined): ResolvedCircuitBreakerOptions['window'] {
  if (window === undefined) return undefined;
  if (typeof window !== 'object' || window === null) throw invalidOptions(COMPONENT, "window must be { kind: 'count', size } or { kind: 'time', durationMs, bucketCount? }");
  if (window.kind === 'count') {
    return { kind: 'count', size: checkInteger(COMPONENT, 'window.size', window.size, 1) };
  }
  if (window.kind === 'time') {
    const durationMs = window.durationMs;
    const bucketCount = window.bucketCount ?? 10;
    checkBucketWindow(COMPONENT, 'window.durationMs', durationMs, 'window.bucketCount', bucketCount);
    return { kind: 'time', durationMs, bucketCount };
  }
  throw invalidOptions(COMPONENT, "window.kind must be 'count' or 'time'");
}
