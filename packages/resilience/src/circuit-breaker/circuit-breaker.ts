import { ErrorCode, IapError, abortedError, type Clock, type TypedEventSource } from '@iap/core';
import { CircuitIsolatedError } from '../errors/circuit-isolated-error.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import { EMPTY_CONTEXT } from '../internal/empty-context.js';
import { notAFunction } from '../internal/not-a-function.js';
import { rejection } from '../internal/rejection.js';
import type { ExecutionContext, Policy } from '../policy.js';
import type { CircuitBreakerEvents, CircuitBreakerStats, CircuitState, CircuitTransitionReason } from './circuit-breaker-events.js';
import { CircuitBreakerListeners } from './circuit-breaker-listeners.js';
import { resolveCircuitBreakerOptions, type CircuitBreakerOptions, type ResolvedCircuitBreakerOptions } from './circuit-breaker-options.js';
import { validateCircuitBreakerSnapshot, type CircuitBreakerSnapshot } from './circuit-breaker-snapshot.js';
import { ADMIT_PASS, ADMIT_REJECTED, ADMIT_TRIAL, CircuitStateMachine } from './circuit-state-machine.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { SharedStateSync } from './shared-state-sync.js';
import { captureSnapshot, restoreSnapshot } from './snapshot-capture.js';
import { createTripStrategy } from './trip-strategies/create-trip-strategy.js';
import type { TripStrategy } from './trip-strategies/trip-strategy.js';

/**
 * A handle returned by `isolate()`; the breaker stays isolated until every handle is released.
 *
 * @example
 * ```ts
 * const maintenance: CircuitIsolation = breaker.isolate();
 * // ... ERP maintenance window ...
 * maintenance.release();
 * ```
 */
export interface CircuitIsolation {
  /** Releases this isolation (idempotent). The last release closes the circuit. */
  release(): void;
}

/**
 * A circuit breaker: stops calling a failing dependency, lets a few trial calls through after a
 * while, and closes again when they succeed. Create one with {@link createCircuitBreaker}.
 *
 * @example
 * ```ts
 * const breaker: CircuitBreaker = createCircuitBreaker({ name: 'erp' });
 * if (breaker.state === 'open') log.warn('ERP calls are failing fast');
 * ```
 */
export interface CircuitBreaker extends Policy, TypedEventSource<CircuitBreakerEvents> {
  /** The `name` option. */
  readonly name: string;
  /** The current state (an elapsed open duration or half-open deadline is applied on read). */
  readonly state: CircuitState;
  /**
   * Holds the circuit open until the returned handle is released: calls are rejected with
   * `CircuitIsolatedError`. Several isolations nest.
   */
  isolate(): CircuitIsolation;
  /** Closes the circuit now, from any state, with empty windows; pending isolations are dropped. */
  forceClose(): void;
  /** Lets every call through without counting it, until `enable()`. */
  disable(): void;
  /** Ends `disable()`: the circuit is closed with empty windows. */
  enable(): void;
  /** Like `forceClose()`, and also clears the lifetime counters of `stats()`. */
  reset(): void;
  /** A point-in-time view of the state and counters. */
  stats(): CircuitBreakerStats;
  /** A JSON-safe snapshot that a new breaker can start from (`snapshot` option). */
  toSnapshot(): CircuitBreakerSnapshot;
  /** Reads the shared state from the `stateStore` now (it is also read every `stateSyncIntervalMs`). */
  syncState(): Promise<void>;
  /** Stops the state-store sync timer and removes every listener; later calls reject with code `CLOSED`. */
  dispose(): void;
}

/**
 * The policy: the call path (an allocation-free fast path while closed with nothing to time, a
 * measured slow path otherwise), manual control and stats. It wires the parts that hold the
 * concepts: the {@link CircuitStateMachine}, the {@link TripStrategy} chosen by `window`, the
 * {@link OutcomeRecorder}, the {@link CircuitBreakerListeners}, snapshots and the optional
 * {@link SharedStateSync}.
 */
class CircuitBreakerImpl implements CircuitBreaker {
  readonly name: string;
  readonly #o: ResolvedCircuitBreakerOptions;
  readonly #clock: Clock;
  readonly #listeners: CircuitBreakerListeners;
  readonly #machine: CircuitStateMachine;
  readonly #strategy: TripStrategy;
  readonly #recorder: OutcomeRecorder;
  readonly #sync: SharedStateSync | undefined;

  /** closed, nothing to time, not disposed: calls take the allocation-free path */
  #fast = true;
  /** slow calls are detected or somebody listens to outcomes: calls are measured */
  #timed = false;
  #disposed = false;

  #onFastValue: (value: unknown) => unknown = (value) => value;
  #onFastError: (error: unknown) => never = (error) => {
    throw error;
  };

  constructor(options: ResolvedCircuitBreakerOptions) {
    this.#o = options;
    this.name = options.name;
    this.#clock = options.clock;
    this.#listeners = new CircuitBreakerListeners(() => this.#onListenersChange(), options.onListenerError);
    this.#machine = new CircuitStateMachine(options, options.clock, (from, to, reason, now, fromStore) => this.#onTransition(from, to, reason, now, fromStore));
    this.#strategy = createTripStrategy(options);
    this.#recorder = new OutcomeRecorder(options, options.clock, this.#machine, this.#strategy, this.#listeners);
    if (options.snapshot !== undefined) restoreSnapshot(validateCircuitBreakerSnapshot(options.snapshot), this.#machine, this.#strategy);
    this.#installFastHandlers();
    this.#onListenersChange();
    this.#sync = options.stateStore === undefined ? undefined : new SharedStateSync(options.stateStore, options.name, options.clock, options.stateSyncIntervalMs, this.#machine, this.#listeners);
    this.#sync?.start();
  }

  // ------------------------------------------------------------------ calls

  execute<T, TData = undefined>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<T> {
    if (typeof fn !== 'function') return notAFunction('circuit breaker');
    // a caller that already gave up takes no slot (not even a half-open trial) and counts as nothing
    const signal = context?.signal;
    if (signal?.aborted) return Promise.reject(abortedError(signal, 'call'));
    if (this.#fast) {
      // closed, nothing to time: no closure (unless the caller can abort), no timer, no clock read
      let result: T | PromiseLike<T>;
      try {
        result = fn(context ?? (EMPTY_CONTEXT as ExecutionContext<TData>));
      } catch (error) {
        result = rejection(error);
      }
      return Promise.resolve(result).then(this.#onFastValue, signal === undefined ? this.#onFastError : this.#abortableFastError(signal)) as Promise<T>;
    }
    return this.#executeSlow(fn, context ?? (EMPTY_CONTEXT as ExecutionContext<TData>));
  }

  async #executeSlow<T, TData>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context: ExecutionContext<TData>): Promise<T> {
    if (this.#disposed) throw new IapError(ErrorCode.CLOSED, `circuit breaker "${this.name}" was disposed; create a new one`);
    const clock = this.#clock;
    const startMs = clock.now();
    const admission = this.#admit(startMs);
    if (admission === ADMIT_PASS) return await fn(context);
    const generation = this.#machine.generation;
    let value: T;
    try {
      value = await fn(context);
    } catch (error) {
      // the caller's own signal aborted: the caller gave up, whatever the callee threw
      this.#settle(generation, admission, true, error, clock.now() - startMs, context.signal?.aborted === true);
      throw error;
    }
    this.#settle(generation, admission, false, value, clock.now() - startMs, false);
    return value;
  }

  /** Decides whether a call may run; throws the rejection error otherwise. */
  #admit(now: number): number {
    const machine = this.#machine;
    const admission = machine.admit(now);
    if (admission !== ADMIT_REJECTED) return admission;
    if (machine.state === 'isolated') {
      this.#recorder.reject('isolated', undefined);
      throw new CircuitIsolatedError(this.name);
    }
    if (machine.state === 'open') {
      this.#recorder.reject('open', machine.openUntilMs - now);
      throw new CircuitOpenError(this.name, 'open', machine.openUntilMs - now);
    }
    const retryAfterMs = machine.halfOpenRetryAfterMs(now);
    this.#recorder.reject('half-open', retryAfterMs);
    throw new CircuitOpenError(this.name, 'half-open', retryAfterMs);
  }

  /** Counts the outcome of a call admitted in `generation`, unless the breaker moved on since. */
  #settle(generation: number, admission: number, threw: boolean, valueOrError: unknown, durationMs: number, callerAborted: boolean): void {
    const recorder = this.#recorder;
    if (generation !== this.#machine.generation) {
      recorder.discard(generation);
      return;
    }
    const outcome = callerAborted ? 'ignored' : threw ? recorder.classifyError(valueOrError) : recorder.classifyResult(valueOrError);
    if (admission === ADMIT_TRIAL) recorder.settleTrial(outcome, threw, valueOrError, durationMs);
    else recorder.record(outcome, threw, valueOrError, durationMs);
  }

  /** Builds the fast-path handlers for the current generation (on every entry into `closed`). */
  #installFastHandlers(): void {
    const generation = this.#machine.generation;
    const machine = this.#machine;
    const recorder = this.#recorder;
    const hasResultClassifier = this.#o.classifyResult !== undefined;
    this.#onFastValue = (value) => {
      if (generation !== machine.generation) recorder.discard(generation);
      else if (hasResultClassifier) recorder.record(recorder.classifyResult(value), false, value, undefined);
      else recorder.recordFastSuccess();
      return value;
    };
    this.#onFastError = (error) => {
      if (generation !== machine.generation) recorder.discard(generation);
      else recorder.record(recorder.classifyError(error), true, error, undefined);
      throw error;
    };
  }

  /** The fast path's error handler for a caller with a signal: an error after that signal aborted is ignored. */
  #abortableFastError(signal: AbortSignal): (error: unknown) => never {
    const generation = this.#machine.generation;
    return (error) => {
      if (!signal.aborted) return this.#onFastError(error);
      if (generation !== this.#machine.generation) this.#recorder.discard(generation);
      else this.#recorder.record('ignored', true, error, undefined);
      throw error;
    };
  }

  // ------------------------------------------------------------ transitions

  /** After every transition of the machine: empty the windows on a close, emit, share the new state. */
  #onTransition(from: CircuitState, to: CircuitState, reason: CircuitTransitionReason, now: number, fromStore: boolean): void {
    if (to === 'closed' || to === 'disabled') {
      this.#strategy.reset();
      if (to === 'closed') this.#installFastHandlers();
    }
    this.#updateFast();
    this.#listeners.emitStateChange(from, to, reason, this.#machine.generation, now);
    if (!fromStore && this.#sync !== undefined && to !== 'half-open' && to !== 'disabled' && reason !== 'enable') this.#sync.publish();
  }

  #updateFast(): void {
    this.#fast = this.#machine.state === 'closed' && !this.#timed && !this.#disposed;
  }

  #onListenersChange(): void {
    const listeners = this.#listeners;
    this.#timed = Number.isFinite(this.#o.slowCallDurationMs) || listeners.success || listeners.failure || listeners.ignored;
    this.#updateFast();
  }

  // --------------------------------------------------------- manual control

  get state(): CircuitState {
    this.#machine.refresh(this.#clock.now());
    return this.#machine.state;
  }

  isolate(): CircuitIsolation {
    return this.#machine.isolate();
  }

  forceClose(): void {
    this.#machine.transition('closed', 'force-close', this.#clock.now());
  }

  disable(): void {
    if (this.#machine.state !== 'disabled') this.#machine.transition('disabled', 'disable', this.#clock.now());
  }

  enable(): void {
    if (this.#machine.state === 'disabled') this.#machine.transition('closed', 'enable', this.#clock.now());
  }

  reset(): void {
    this.#recorder.resetCounters();
    this.#machine.transition('closed', 'reset', this.#clock.now());
  }

  stats(): CircuitBreakerStats {
    const now = this.#clock.now();
    const machine = this.#machine;
    const recorder = this.#recorder;
    machine.refresh(now);
    const { calls: windowCalls, failures: windowFailures, slowCalls: windowSlowCalls } = this.#strategy.totals(now);
    return {
      name: this.name,
      state: machine.state,
      generation: machine.generation,
      successes: recorder.successes,
      failures: recorder.failures,
      ignored: recorder.ignored,
      slowCalls: recorder.slowCalls,
      rejected: recorder.rejected,
      discarded: recorder.discarded,
      consecutiveFailures: this.#strategy.consecutiveFailures,
      windowCalls,
      windowFailures,
      windowSlowCalls,
      failureRate: windowCalls === 0 ? 0 : windowFailures / windowCalls,
      slowCallRate: windowCalls === 0 ? 0 : windowSlowCalls / windowCalls,
      trips: machine.trips,
      openUntilMs: machine.state === 'open' ? machine.openUntilMs : undefined,
      trialCallsAdmitted: machine.trialsAdmitted,
      trialCallsInFlight: machine.trialsInFlight,
    };
  }

  on<K extends keyof CircuitBreakerEvents>(event: K, listener: (payload: CircuitBreakerEvents[K]) => void): () => void {
    return this.#listeners.on(event, listener);
  }

  off<K extends keyof CircuitBreakerEvents>(event: K, listener: (payload: CircuitBreakerEvents[K]) => void): void {
    this.#listeners.off(event, listener);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#sync?.dispose();
    this.#strategy.dispose();
    this.#listeners.removeAll();
    this.#updateFast();
  }

  // ------------------------------------------------------- snapshot, sync

  toSnapshot(): CircuitBreakerSnapshot {
    const now = this.#clock.now();
    this.#machine.refresh(now);
    return captureSnapshot(this.name, this.#machine, this.#strategy, now);
  }

  async syncState(): Promise<void> {
    await this.#sync?.pull();
  }
}

/**
 * Creates a circuit breaker. With no options it opens after 5 consecutive failures, stays open 30 s,
 * then admits one trial call. Any combination of consecutive failures, a failure-rate threshold and
 * a slow-call-rate threshold over a count or time window can trip it.
 *
 * The closed path allocates nothing per call beyond the returned promise: no closure (one when the
 * context carries an abort signal), no timer, no clock read (a time window reads the clock once per
 * bucket or per 64 successes; slow-call detection and outcome listeners read it twice per call).
 * The caller giving up is never a failure: an error after the call's own signal aborted is ignored,
 * and a call whose signal has already aborted is rejected with `ABORTED` without running.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option (or snapshot field).
 * @example
 * ```ts
 * const breaker = createCircuitBreaker({
 *   name: 'payments',
 *   window: { kind: 'time', durationMs: 10_000 },
 *   failureRateThreshold: 0.5,
 *   slowCallDurationMs: 2_000,
 *   slowCallRateThreshold: 0.8,
 *   openBackoff: { kind: 'exponential', initialDelayMs: 5_000, multiplier: 2 },
 * });
 * breaker.on('stateChange', (e) => log.info({ from: e.from, to: e.to, reason: e.reason }, 'payments breaker'));
 * const receipt = await breaker.execute(({ signal }) => gateway.charge(order, { signal }));
 * ```
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  return new CircuitBreakerImpl(resolveCircuitBreakerOptions(options));
}
