import type { Clock } from '@iap/core';
import type { CircuitBreakerListeners } from './circuit-breaker-listeners.js';
import type { CallOutcome, ResolvedCircuitBreakerOptions } from './circuit-breaker-options.js';
import type { CircuitStateMachine } from './circuit-state-machine.js';
import type { TripStrategy } from './trip-strategies/trip-strategy.js';

type RecorderOptions = Pick<ResolvedCircuitBreakerOptions, 'classifyError' | 'classifyResult' | 'slowCallDurationMs' | 'slowCallRateThreshold'>;

/**
 * Counts what happens to calls: classifies an outcome, keeps the lifetime counters of `stats()`,
 * emits the outcome's event, feeds the trip strategy while closed and the trial accounting of the
 * state machine while half-open, and opens the circuit when the strategy names a threshold.
 */
export class OutcomeRecorder {
  /** Lifetime counters (kept across `forceClose()`, cleared by `reset()`). */
  successes = 0;
  failures = 0;
  ignored = 0;
  slowCalls = 0;
  rejected = 0;
  discarded = 0;

  readonly #options: RecorderOptions;
  readonly #clock: Clock;
  readonly #machine: CircuitStateMachine;
  readonly #strategy: TripStrategy;
  readonly #listeners: CircuitBreakerListeners;

  constructor(options: RecorderOptions, clock: Clock, machine: CircuitStateMachine, strategy: TripStrategy, listeners: CircuitBreakerListeners) {
    this.#options = options;
    this.#clock = clock;
    this.#machine = machine;
    this.#strategy = strategy;
    this.#listeners = listeners;
  }

  /** Clears the lifetime counters. */
  resetCounters(): void {
    this.successes = 0;
    this.failures = 0;
    this.ignored = 0;
    this.slowCalls = 0;
    this.rejected = 0;
    this.discarded = 0;
  }

  /** A call was rejected without being made. */
  reject(state: 'open' | 'half-open' | 'isolated', retryAfterMs: number | undefined): void {
    this.rejected++;
    this.#listeners.emitRejected(state, retryAfterMs);
  }

  /** A call admitted in `generation` settled after the breaker moved on: its outcome is not counted. */
  discard(generation: number): void {
    this.discarded++;
    this.#listeners.emitDiscarded(generation, this.#machine.generation);
  }

  /** The user's `classifyError`; a classifier that throws makes the call a failure. */
  classifyError(error: unknown): CallOutcome {
    try {
      return this.#options.classifyError(error);
    } catch {
      return 'failure';
    }
  }

  /** The user's `classifyResult` (every value is a success without one); a classifier that throws makes the call a failure. */
  classifyResult(value: unknown): CallOutcome {
    const classify = this.#options.classifyResult;
    if (classify === undefined) return 'success';
    try {
      return classify(value);
    } catch {
      return 'failure';
    }
  }

  /** Counts a success on the closed fast path: no duration, no event, no clock read unless a threshold may be reached. */
  recordFastSuccess(): void {
    this.successes++;
    if (this.#strategy.recordFastSuccess()) this.#checkTrip(0);
  }

  /** Counts an outcome while closed and trips the circuit when a threshold is reached. */
  record(outcome: CallOutcome, threw: boolean, valueOrError: unknown, durationMs: number | undefined): void {
    const slow = durationMs !== undefined && durationMs >= this.#options.slowCallDurationMs;
    if (slow) this.slowCalls++;
    const listeners = this.#listeners;
    if (outcome === 'ignored') {
      this.ignored++;
      listeners.emitIgnored(this.#machine.state, threw, valueOrError, durationMs);
      return;
    }
    const failed = outcome === 'failure';
    if (failed) this.failures++;
    else this.successes++;
    const strategy = this.#strategy;
    const now = strategy.needsTime || failed || slow ? this.#clock.now() : 0;
    strategy.record(failed, slow, now);
    if (failed) listeners.emitFailure(this.#machine.state, threw, valueOrError, durationMs, slow);
    else listeners.emitSuccess(this.#machine.state, durationMs, slow);
    if (failed || slow || strategy.atMinimumCalls()) this.#checkTrip(now);
  }

  /**
   * Opens the circuit when a threshold is reached. Rates can only rise on a failure or a slow call,
   * or when a success brings the window up to `minimumCalls`; only then is this called. `now` 0:
   * the clock was not read yet.
   */
  #checkTrip(now: number): void {
    const reason = this.#strategy.tripReason();
    if (reason !== undefined) this.#machine.transition('open', reason, now === 0 ? this.#clock.now() : now);
  }

  /**
   * Counts the outcome of a half-open trial call: a failure (or a slow call, with a slow-call rate
   * threshold) opens the circuit again; `halfOpenMaxCalls` successes close it; an ignored call gives
   * its trial slot back.
   */
  settleTrial(outcome: CallOutcome, threw: boolean, valueOrError: unknown, durationMs: number): void {
    const machine = this.#machine;
    const listeners = this.#listeners;
    machine.trialsInFlight--;
    const slow = durationMs >= this.#options.slowCallDurationMs;
    if (slow) this.slowCalls++;
    const now = this.#clock.now();
    if (outcome === 'ignored') {
      this.ignored++;
      machine.trialsAdmitted--;
      listeners.emitIgnored('half-open', threw, valueOrError, durationMs);
    } else if (outcome === 'failure' || (slow && this.#options.slowCallRateThreshold > 0)) {
      if (outcome === 'failure') {
        this.failures++;
        listeners.emitFailure('half-open', threw, valueOrError, durationMs, slow);
      } else {
        this.successes++;
        listeners.emitSuccess('half-open', durationMs, slow);
      }
      machine.transition('open', 'trial-failed', now);
      return;
    } else {
      this.successes++;
      machine.trialSuccesses++;
      listeners.emitSuccess('half-open', durationMs, slow);
      if (machine.closeIfTrialsSucceeded(now)) return;
    }
    machine.clearDeadlineWhenIdle();
  }
}
