import { ErrorCode, IapError, abortedError, baseRetryDelay, type Clock, type TimerHandle, type TypedEventSource } from '@iap/core';
import { CircuitIsolatedError } from '../errors/circuit-isolated-error.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import { BucketWindow } from '../internal/bucket-window.js';
import { CountWindow, FAILURE_BIT, SLOW_BIT } from '../internal/count-window.js';
import { EMPTY_CONTEXT } from '../internal/empty-context.js';
import { EventHub } from '../internal/event-hub.js';
import type { ExecutionContext, Policy } from '../policy.js';
import type { CircuitBreakerEvents, CircuitBreakerStats, CircuitState, CircuitTransitionReason } from './circuit-breaker-events.js';
import { resolveCircuitBreakerOptions, type CallOutcome, type CircuitBreakerOptions, type ResolvedCircuitBreakerOptions } from './circuit-breaker-options.js';
import { validateCircuitBreakerSnapshot, type CircuitBreakerSnapshot } from './circuit-breaker-snapshot.js';
import { isSharedCircuitState, type SharedCircuitState } from './circuit-state-store.js';
import { rejection } from '../internal/rejection.js';
import { notAFunction } from '../internal/not-a-function.js';

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

const NORMAL = 0;
const TRIAL = 1;
const PASS = 2;

/**
 * With a time window, a success is added to the newest bucket without reading the clock while that
 * bucket is known to be current: a timer (one per bucket, not per call) marks its end, and the clock
 * is read at least every CLOCK_READ_EVERY successes anyway, so a busy loop that starves timers
 * misplaces at most that many successes by one bucket.
 */
const CLOCK_READ_EVERY = 64;

const M_CALLS = 0;
const M_FAILURES = 1;
const M_SLOW = 2;

class CircuitBreakerImpl implements CircuitBreaker {
  readonly name: string;
  readonly #o: ResolvedCircuitBreakerOptions;
  readonly #clock: Clock;
  readonly #events: EventHub<CircuitBreakerEvents>;
  readonly #countWindow: CountWindow | undefined;
  readonly #timeWindow: BucketWindow | undefined;

  #state: CircuitState = 'closed';
  #generation = 0;
  /** closed, nothing to time, not disposed: calls take the allocation-free path */
  #fast = true;
  #timed = false;
  #disposed = false;

  #listenSuccess = false;
  #listenFailure = false;
  #listenIgnored = false;
  #listenRejected = false;
  #listenStateChange = false;
  #listenDiscarded = false;
  #listenStoreError = false;

  #consecutiveFailures = 0;
  #openUntilMs = 0;
  #trips = 0;
  #trialsAdmitted = 0;
  #trialsInFlight = 0;
  #trialSuccesses = 0;
  #halfOpenDeadlineMs = Number.POSITIVE_INFINITY;
  #isolations = 0;
  #isolationEpoch = 0;

  #successes = 0;
  #failures = 0;
  #ignored = 0;
  #slowCalls = 0;
  #rejected = 0;
  #discarded = 0;

  #onFastValue: (value: unknown) => unknown = (value) => value;
  #onFastError: (error: unknown) => never = (error) => {
    throw error;
  };

  /** The newest time bucket is current: entered through a clock read and its end timer not fired. */
  #timeHeadCurrent = false;
  #successesWithoutClock = 0;
  #bucketEndTimer: TimerHandle | undefined;
  readonly #onBucketEnd = (): void => {
    this.#bucketEndTimer = undefined;
    this.#timeHeadCurrent = false;
  };

  #sharedVersion = 0;
  #publishing = false;
  #publishAgain = false;
  #syncTimer: TimerHandle | undefined;

  constructor(options: ResolvedCircuitBreakerOptions) {
    this.#o = options;
    this.name = options.name;
    this.#clock = options.clock;
    this.#events = new EventHub<CircuitBreakerEvents>(() => this.#refreshListening(), options.onListenerError);
    const window = options.window;
    this.#countWindow = window?.kind === 'count' ? new CountWindow(window.size) : undefined;
    this.#timeWindow = window?.kind === 'time' ? new BucketWindow(window.durationMs, window.bucketCount, 3) : undefined;
    if (options.snapshot !== undefined) this.#restore(validateCircuitBreakerSnapshot(options.snapshot));
    this.#installFastHandlers();
    this.#refreshListening();
    if (options.stateStore !== undefined) {
      void this.#pull();
      this.#scheduleSync();
    }
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
    if (admission === PASS) return await fn(context);
    const generation = this.#generation;
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
    const state = this.#state;
    if (state === 'closed') return NORMAL;
    if (state === 'disabled') return PASS;
    if (state === 'isolated') {
      this.#reject('isolated', undefined);
      throw new CircuitIsolatedError(this.name);
    }
    this.#refresh(now);
    if (this.#state === 'open') {
      this.#reject('open', this.#openUntilMs - now);
      throw new CircuitOpenError(this.name, 'open', this.#openUntilMs - now);
    }
    // half-open
    if (this.#trialsAdmitted >= this.#o.halfOpenMaxCalls) {
      const retryAfterMs = Number.isFinite(this.#halfOpenDeadlineMs) ? Math.max(0, this.#halfOpenDeadlineMs - now) : 0;
      this.#reject('half-open', retryAfterMs);
      throw new CircuitOpenError(this.name, 'half-open', retryAfterMs);
    }
    if (this.#trialsInFlight === 0) this.#halfOpenDeadlineMs = now + this.#o.maxHalfOpenDurationMs;
    this.#trialsAdmitted++;
    this.#trialsInFlight++;
    return TRIAL;
  }

  #reject(state: 'open' | 'half-open' | 'isolated', retryAfterMs: number | undefined): void {
    this.#rejected++;
    if (this.#listenRejected) this.#events.emit('rejected', { state, retryAfterMs });
  }

  /** Counts the outcome of a call admitted in `generation`, unless the breaker moved on since. */
  #settle(generation: number, admission: number, threw: boolean, valueOrError: unknown, durationMs: number, callerAborted: boolean): void {
    if (generation !== this.#generation) {
      this.#discard(generation);
      return;
    }
    const outcome = callerAborted ? 'ignored' : threw ? this.#classifyError(valueOrError) : this.#classifyResult(valueOrError);
    if (admission === TRIAL) this.#settleTrial(outcome, threw, valueOrError, durationMs);
    else this.#record(outcome, threw, valueOrError, durationMs);
  }

  #discard(generation: number): void {
    this.#discarded++;
    if (this.#listenDiscarded) this.#events.emit('discarded', { generation, currentGeneration: this.#generation });
  }

  #classifyError(error: unknown): CallOutcome {
    try {
      return this.#o.classifyError(error);
    } catch {
      return 'failure';
    }
  }

  #classifyResult(value: unknown): CallOutcome {
    const classify = this.#o.classifyResult;
    if (classify === undefined) return 'success';
    try {
      return classify(value);
    } catch {
      return 'failure';
    }
  }

  /** Builds the fast-path handlers for the current generation (on every entry into `closed`). */
  #installFastHandlers(): void {
    const generation = this.#generation;
    const hasResultClassifier = this.#o.classifyResult !== undefined;
    this.#onFastValue = (value) => {
      if (generation !== this.#generation) this.#discard(generation);
      else if (hasResultClassifier) this.#record(this.#classifyResult(value), false, value, undefined);
      else this.#recordFastSuccess();
      return value;
    };
    this.#onFastError = (error) => {
      if (generation !== this.#generation) this.#discard(generation);
      else this.#record(this.#classifyError(error), true, error, undefined);
      throw error;
    };
  }

  /** The fast path's error handler for a caller with a signal: an error after that signal aborted is ignored. */
  #abortableFastError(signal: AbortSignal): (error: unknown) => never {
    const generation = this.#generation;
    return (error) => {
      if (!signal.aborted) return this.#onFastError(error);
      if (generation !== this.#generation) this.#discard(generation);
      else this.#record('ignored', true, error, undefined);
      throw error;
    };
  }

  #recordFastSuccess(): void {
    this.#successes++;
    this.#consecutiveFailures = 0;
    if (this.#countWindow !== undefined) {
      this.#countWindow.record(0);
      if (this.#countWindow.calls === this.#o.minimumCalls) this.#checkTrip(0);
    } else if (this.#timeWindow !== undefined) {
      const window = this.#timeWindow;
      if (this.#timeHeadCurrent && this.#successesWithoutClock < CLOCK_READ_EVERY) {
        this.#successesWithoutClock++;
        window.addToHead(M_CALLS);
      } else {
        const now = this.#clock.now();
        window.add(now, M_CALLS);
        this.#trackTimeHead(now);
      }
      if (window.total(M_CALLS) === this.#o.minimumCalls) this.#checkTrip(0);
    }
  }

  /** After a clock read put `now` in the newest bucket: trust it until its end (or CLOCK_READ_EVERY successes). */
  #trackTimeHead(now: number): void {
    this.#successesWithoutClock = 0;
    this.#timeHeadCurrent = true;
    if (this.#bucketEndTimer === undefined && !this.#disposed) {
      this.#bucketEndTimer = this.#clock.setTimeout(this.#onBucketEnd, Math.max(1, this.#timeWindow!.headEndMs - now));
    }
  }

  /**
   * Opens the circuit when a threshold is reached. Rates can only rise on a failure or a slow call,
   * or when a success brings the window up to `minimumCalls`; only then is this called.
   */
  #checkTrip(now: number): void {
    const reason = this.#tripReason();
    if (reason !== undefined) this.#transition('open', reason, now === 0 ? this.#clock.now() : now);
  }

  /** Counts an outcome while closed and trips the circuit when a threshold is reached. */
  #record(outcome: CallOutcome, threw: boolean, valueOrError: unknown, durationMs: number | undefined): void {
    const slow = durationMs !== undefined && durationMs >= this.#o.slowCallDurationMs;
    if (slow) this.#slowCalls++;
    if (outcome === 'ignored') {
      this.#ignored++;
      if (this.#listenIgnored) this.#events.emit('ignored', { state: this.#state, error: threw ? valueOrError : undefined, durationMs });
      return;
    }
    const failed = outcome === 'failure';
    if (failed) {
      this.#failures++;
      this.#consecutiveFailures++;
    } else {
      this.#successes++;
      this.#consecutiveFailures = 0;
    }
    const now = this.#timeWindow !== undefined || failed || slow ? this.#clock.now() : 0;
    if (this.#countWindow !== undefined) {
      this.#countWindow.record((failed ? FAILURE_BIT : 0) | (slow ? SLOW_BIT : 0));
    } else if (this.#timeWindow !== undefined) {
      this.#timeWindow.add(now, M_CALLS);
      if (failed) this.#timeWindow.add(now, M_FAILURES);
      if (slow) this.#timeWindow.add(now, M_SLOW);
    }
    if (failed) {
      if (this.#listenFailure) {
        this.#events.emit('failure', { state: this.#state, error: threw ? valueOrError : undefined, result: threw ? undefined : valueOrError, durationMs, slow });
      }
    } else if (this.#listenSuccess) {
      this.#events.emit('success', { state: this.#state, durationMs, slow });
    }
    if (failed || slow || this.#windowCalls() === this.#o.minimumCalls) this.#checkTrip(now);
  }

  #windowCalls(): number {
    if (this.#countWindow !== undefined) return this.#countWindow.calls;
    if (this.#timeWindow !== undefined) return this.#timeWindow.total(M_CALLS);
    return -1;
  }

  #tripReason(): CircuitTransitionReason | undefined {
    const o = this.#o;
    if (o.consecutiveFailures > 0 && this.#consecutiveFailures >= o.consecutiveFailures) return 'consecutive-failures';
    const count = this.#countWindow;
    const time = this.#timeWindow;
    let calls: number;
    let failures: number;
    let slowCalls: number;
    if (count !== undefined) {
      calls = count.calls;
      failures = count.failures;
      slowCalls = count.slowCalls;
    } else if (time !== undefined) {
      calls = time.total(M_CALLS);
      failures = time.total(M_FAILURES);
      slowCalls = time.total(M_SLOW);
    } else {
      return undefined;
    }
    if (calls === 0 || calls < o.minimumCalls) return undefined;
    if (o.failureRateThreshold > 0 && failures / calls >= o.failureRateThreshold) return 'failure-rate';
    if (o.slowCallRateThreshold > 0 && slowCalls / calls >= o.slowCallRateThreshold) return 'slow-call-rate';
    return undefined;
  }

  /** [calls, failures, slow calls] in the window, for stats (the time window must be advanced by the caller). */
  #windowTotals(): [number, number, number] {
    if (this.#countWindow !== undefined) return [this.#countWindow.calls, this.#countWindow.failures, this.#countWindow.slowCalls];
    if (this.#timeWindow !== undefined) return [this.#timeWindow.total(M_CALLS), this.#timeWindow.total(M_FAILURES), this.#timeWindow.total(M_SLOW)];
    return [0, 0, 0];
  }

  #settleTrial(outcome: CallOutcome, threw: boolean, valueOrError: unknown, durationMs: number): void {
    this.#trialsInFlight--;
    const slow = durationMs >= this.#o.slowCallDurationMs;
    if (slow) this.#slowCalls++;
    const now = this.#clock.now();
    if (outcome === 'ignored') {
      this.#ignored++;
      this.#trialsAdmitted--;
      if (this.#listenIgnored) this.#events.emit('ignored', { state: 'half-open', error: threw ? valueOrError : undefined, durationMs });
    } else if (outcome === 'failure' || (slow && this.#o.slowCallRateThreshold > 0)) {
      if (outcome === 'failure') this.#failures++;
      else this.#successes++;
      if (this.#listenFailure && outcome === 'failure') {
        this.#events.emit('failure', { state: 'half-open', error: threw ? valueOrError : undefined, result: threw ? undefined : valueOrError, durationMs, slow });
      } else if (this.#listenSuccess && outcome !== 'failure') {
        this.#events.emit('success', { state: 'half-open', durationMs, slow });
      }
      this.#transition('open', 'trial-failed', now);
      return;
    } else {
      this.#successes++;
      this.#trialSuccesses++;
      if (this.#listenSuccess) this.#events.emit('success', { state: 'half-open', durationMs, slow });
      if (this.#trialSuccesses >= this.#o.halfOpenMaxCalls) {
        this.#transition('closed', 'trials-succeeded', now);
        return;
      }
    }
    if (this.#trialsInFlight === 0) this.#halfOpenDeadlineMs = Number.POSITIVE_INFINITY;
  }

  // ------------------------------------------------------------ transitions

  #transition(to: CircuitState, reason: CircuitTransitionReason, now: number, fromStore = false): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#trialsAdmitted = 0;
    this.#trialsInFlight = 0;
    this.#trialSuccesses = 0;
    this.#halfOpenDeadlineMs = Number.POSITIVE_INFINITY;
    if (to === 'open') {
      if (!fromStore) {
        this.#trips++;
        this.#openUntilMs = now + this.#openDurationMs(this.#trips);
      }
    } else if (to === 'closed' || to === 'disabled') {
      if (!fromStore) this.#trips = 0;
      this.#openUntilMs = 0;
      this.#consecutiveFailures = 0;
      this.#countWindow?.reset();
      this.#timeWindow?.reset();
      this.#timeHeadCurrent = false;
      if (to === 'closed') this.#installFastHandlers();
    }
    if (to !== 'isolated') {
      this.#isolations = 0;
      this.#isolationEpoch++;
    }
    this.#updateFast();
    if (this.#listenStateChange) this.#events.emit('stateChange', { from, to, reason, generation: this.#generation, atMs: now });
    if (!fromStore && this.#o.stateStore !== undefined && to !== 'half-open' && to !== 'disabled' && reason !== 'enable') this.#publish();
  }

  #openDurationMs(trips: number): number {
    const backoff = this.#o.openBackoff;
    return backoff === undefined ? this.#o.openDurationMs : baseRetryDelay(backoff, trips);
  }

  /**
   * Applies an expired half-open deadline and an elapsed open duration. The open period after a
   * half-open timeout starts at the deadline, not at the read that notices it, so a caller long
   * after the deadline may find that period already over and take the next trial.
   */
  #refresh(now: number): void {
    if (this.#state === 'half-open' && this.#trialsInFlight > 0 && now >= this.#halfOpenDeadlineMs) this.#transition('open', 'half-open-timeout', this.#halfOpenDeadlineMs);
    if (this.#state === 'open' && now >= this.#openUntilMs) this.#transition('half-open', 'open-elapsed', now);
  }

  #updateFast(): void {
    this.#fast = this.#state === 'closed' && !this.#timed && !this.#disposed;
  }

  #refreshListening(): void {
    const events = this.#events;
    this.#listenSuccess = events.has('success');
    this.#listenFailure = events.has('failure');
    this.#listenIgnored = events.has('ignored');
    this.#listenRejected = events.has('rejected');
    this.#listenStateChange = events.has('stateChange');
    this.#listenDiscarded = events.has('discarded');
    this.#listenStoreError = events.has('stateStoreError');
    this.#timed = Number.isFinite(this.#o.slowCallDurationMs) || this.#listenSuccess || this.#listenFailure || this.#listenIgnored;
    this.#updateFast();
  }

  // --------------------------------------------------------- manual control

  get state(): CircuitState {
    this.#refresh(this.#clock.now());
    return this.#state;
  }

  isolate(): CircuitIsolation {
    const now = this.#clock.now();
    if (this.#state !== 'isolated') this.#transition('isolated', 'isolate', now);
    this.#isolations++;
    const epoch = this.#isolationEpoch;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        if (epoch !== this.#isolationEpoch || this.#state !== 'isolated') return;
        this.#isolations--;
        if (this.#isolations === 0) this.#transition('closed', 'release', this.#clock.now());
      },
    };
  }

  forceClose(): void {
    this.#transition('closed', 'force-close', this.#clock.now());
  }

  disable(): void {
    if (this.#state !== 'disabled') this.#transition('disabled', 'disable', this.#clock.now());
  }

  enable(): void {
    if (this.#state === 'disabled') this.#transition('closed', 'enable', this.#clock.now());
  }

  reset(): void {
    this.#successes = 0;
    this.#failures = 0;
    this.#ignored = 0;
    this.#slowCalls = 0;
    this.#rejected = 0;
    this.#discarded = 0;
    this.#transition('closed', 'reset', this.#clock.now());
  }

  stats(): CircuitBreakerStats {
    const now = this.#clock.now();
    this.#refresh(now);
    this.#timeWindow?.advance(now);
    const [windowCalls, windowFailures, windowSlowCalls] = this.#windowTotals();
    return {
      name: this.name,
      state: this.#state,
      generation: this.#generation,
      successes: this.#successes,
      failures: this.#failures,
      ignored: this.#ignored,
      slowCalls: this.#slowCalls,
      rejected: this.#rejected,
      discarded: this.#discarded,
      consecutiveFailures: this.#consecutiveFailures,
      windowCalls,
      windowFailures,
      windowSlowCalls,
      failureRate: windowCalls === 0 ? 0 : windowFailures / windowCalls,
      slowCallRate: windowCalls === 0 ? 0 : windowSlowCalls / windowCalls,
      trips: this.#trips,
      openUntilMs: this.#state === 'open' ? this.#openUntilMs : undefined,
      trialCallsAdmitted: this.#trialsAdmitted,
      trialCallsInFlight: this.#trialsInFlight,
    };
  }

  on<K extends keyof CircuitBreakerEvents>(event: K, listener: (payload: CircuitBreakerEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof CircuitBreakerEvents>(event: K, listener: (payload: CircuitBreakerEvents[K]) => void): void {
    this.#events.off(event, listener);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#syncTimer !== undefined) this.#clock.clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    if (this.#bucketEndTimer !== undefined) this.#clock.clearTimeout(this.#bucketEndTimer);
    this.#bucketEndTimer = undefined;
    this.#timeHeadCurrent = false;
    this.#events.removeAllListeners();
    this.#updateFast();
  }

  // --------------------------------------------------------------- snapshot

  toSnapshot(): CircuitBreakerSnapshot {
    const now = this.#clock.now();
    this.#refresh(now);
    const state = this.#state === 'half-open' ? 'open' : this.#state;
    let window: CircuitBreakerSnapshot['window'] = null;
    if (this.#countWindow !== undefined) {
      window = { kind: 'count', size: this.#countWindow.size, outcomes: this.#countWindow.toArray() };
    } else if (this.#timeWindow !== undefined && this.#o.window?.kind === 'time') {
      this.#timeWindow.advance(now);
      window = { kind: 'time', durationMs: this.#o.window.durationMs, bucketCount: this.#o.window.bucketCount, ...this.#timeWindow.toJSON() };
    }
    return {
      formatVersion: 1,
      name: this.name,
      state,
      openUntilMs: this.#state === 'half-open' ? now : state === 'open' ? this.#openUntilMs : 0,
      trips: this.#trips,
      consecutiveFailures: this.#consecutiveFailures,
      window,
      takenAtMs: now,
    };
  }

  #restore(snapshot: CircuitBreakerSnapshot): void {
    this.#trips = snapshot.trips;
    this.#consecutiveFailures = snapshot.consecutiveFailures;
    this.#state = snapshot.state;
    if (snapshot.state === 'open') this.#openUntilMs = snapshot.openUntilMs;
    // a restored isolation has no handle: only forceClose() or reset() ends it
    if (snapshot.state === 'isolated') this.#isolations = 1;
    const saved = snapshot.window;
    const own = this.#o.window;
    if (saved?.kind === 'count' && own?.kind === 'count' && saved.size === own.size) {
      this.#countWindow?.load(saved.outcomes);
    } else if (saved?.kind === 'time' && own?.kind === 'time' && saved.durationMs === own.durationMs && saved.bucketCount === own.bucketCount) {
      this.#timeWindow?.load(saved.headEpoch, saved.buckets);
    }
  }

  // ------------------------------------------------------------ state store

  async syncState(): Promise<void> {
    await this.#pull();
  }

  #scheduleSync(): void {
    if (this.#disposed) return;
    this.#syncTimer = this.#clock.setTimeout(() => {
      this.#syncTimer = undefined;
      void this.#pull().then(() => this.#scheduleSync());
    }, this.#o.stateSyncIntervalMs);
  }

  /** Reads the shared state and adopts it when it is newer than what this breaker knows. Never rejects. */
  async #pull(): Promise<void> {
    const store = this.#o.stateStore;
    if (store === undefined || this.#disposed) return;
    let remote: SharedCircuitState | undefined;
    try {
      remote = await store.read(this.name);
    } catch (error) {
      this.#storeError('read', error);
      return;
    }
    if (remote === undefined || this.#disposed) return;
    if (!isSharedCircuitState(remote)) {
      this.#storeError('read', new IapError(ErrorCode.DECODE, `the state store returned a malformed state for circuit breaker "${this.name}"; expected { version, state, openUntilMs, trips, updatedAtMs }`));
      return;
    }
    if (remote.version <= this.#sharedVersion) return;
    this.#sharedVersion = remote.version;
    this.#adopt(remote);
  }

  #adopt(remote: SharedCircuitState): void {
    if (this.#state === 'disabled') return;
    const now = this.#clock.now();
    if (remote.state === 'open') {
      this.#trips = remote.trips;
      if (this.#state === 'half-open' && remote.openUntilMs <= now) return;
      this.#openUntilMs = remote.openUntilMs;
      if (this.#state !== 'open') this.#transition('open', 'state-store', now, true);
    } else if (remote.state === 'closed') {
      if (this.#state !== 'closed') this.#transition('closed', 'state-store', now, true);
      this.#trips = remote.trips;
    } else if (this.#state !== 'isolated') {
      this.#transition('isolated', 'state-store', now, true);
      this.#isolations = 1;
    }
  }

  #publish(): void {
    if (this.#publishing) {
      this.#publishAgain = true;
      return;
    }
    this.#publishing = true;
    void this.#publishLoop();
  }

  async #publishLoop(): Promise<void> {
    const store = this.#o.stateStore!;
    try {
      do {
        this.#publishAgain = false;
        const state = this.#state === 'half-open' ? 'open' : this.#state;
        if (state === 'disabled' || this.#disposed) break;
        const next: SharedCircuitState = {
          version: this.#sharedVersion + 1,
          state,
          openUntilMs: state === 'open' ? this.#openUntilMs : 0,
          trips: this.#trips,
          updatedAtMs: this.#clock.now(),
        };
        let written: boolean;
        try {
          written = await store.compareAndSet(this.name, this.#sharedVersion, next);
        } catch (error) {
          this.#storeError('write', error);
          break;
        }
        if (written) {
          this.#sharedVersion = Math.max(this.#sharedVersion, next.version);
        } else {
          // another writer got there first: adopt the winner
          await this.#pull();
        }
      } while (this.#publishAgain);
    } finally {
      this.#publishing = false;
    }
  }

  #storeError(operation: 'read' | 'write', error: unknown): void {
    if (this.#listenStoreError) this.#events.emit('stateStoreError', { operation, error });
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
