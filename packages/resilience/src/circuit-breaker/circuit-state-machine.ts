import { baseRetryDelay, type Clock } from '@iap/core';
import type { CircuitState, CircuitTransitionReason } from './circuit-breaker-events.js';
import type { ResolvedCircuitBreakerOptions } from './circuit-breaker-options.js';

/** {@link CircuitStateMachine.admit}: the call runs and its outcome is counted by the trip strategy. */
export const ADMIT_NORMAL = 0;
/** {@link CircuitStateMachine.admit}: the call runs as a half-open trial. */
export const ADMIT_TRIAL = 1;
/** {@link CircuitStateMachine.admit}: the call runs and nothing is counted (disabled). */
export const ADMIT_PASS = 2;
/** {@link CircuitStateMachine.admit}: the call is rejected; `state` says why. */
export const ADMIT_REJECTED = 3;

/** Told of every transition, after the state changed (the breaker resets windows, emits, publishes). */
export type TransitionHook = (from: CircuitState, to: CircuitState, reason: CircuitTransitionReason, nowMs: number, fromStore: boolean) => void;

type MachineOptions = Pick<ResolvedCircuitBreakerOptions, 'openDurationMs' | 'openBackoff' | 'halfOpenMaxCalls' | 'maxHalfOpenDurationMs'>;

/**
 * The states of a circuit breaker and the rules between them: which state admits a call, how long
 * the circuit stays open (constant or growing with consecutive trips), how many half-open trial
 * calls run and until when, and the isolations that hold it open. Every transition starts a new
 * generation (an outcome of an older one is discarded) and goes through {@link transition}.
 *
 * Its fields are read and written by the breaker's parts (the call path, snapshots, shared-state
 * sync); it is internal and never exported from the package.
 */
export class CircuitStateMachine {
  state: CircuitState = 'closed';
  /** Increases with every transition. */
  generation = 0;
  /** When an open circuit admits trial calls (ms); 0 unless open. */
  openUntilMs = 0;
  /** Consecutive trips without a successful close (drives `openBackoff`). */
  trips = 0;
  trialsAdmitted = 0;
  trialsInFlight = 0;
  trialSuccesses = 0;
  /** When unsettled trial calls reopen the circuit; Infinity while none is in flight. */
  halfOpenDeadlineMs = Number.POSITIVE_INFINITY;
  /** Unreleased isolations; the last release closes the circuit. */
  isolations = 0;
  /** Increases whenever pending isolations are dropped, so an old handle's release does nothing. */
  isolationEpoch = 0;

  readonly #options: MachineOptions;
  readonly #clock: Clock;
  readonly #onTransition: TransitionHook;

  constructor(options: MachineOptions, clock: Clock, onTransition: TransitionHook) {
    this.#options = options;
    this.#clock = clock;
    this.#onTransition = onTransition;
  }

  /** Decides whether a call made at `now` may run: one of the `ADMIT_*` constants. */
  admit(now: number): number {
    const state = this.state;
    if (state === 'closed') return ADMIT_NORMAL;
    if (state === 'disabled') return ADMIT_PASS;
    if (state === 'isolated') return ADMIT_REJECTED;
    this.refresh(now);
    if (this.state === 'open') return ADMIT_REJECTED;
    // half-open
    if (this.trialsAdmitted >= this.#options.halfOpenMaxCalls) return ADMIT_REJECTED;
    if (this.trialsInFlight === 0) this.halfOpenDeadlineMs = now + this.#options.maxHalfOpenDurationMs;
    this.trialsAdmitted++;
    this.trialsInFlight++;
    return ADMIT_TRIAL;
  }

  /** How long a call rejected while half-open should wait: until the trial deadline, or 0 without one. */
  halfOpenRetryAfterMs(now: number): number {
    return Number.isFinite(this.halfOpenDeadlineMs) ? Math.max(0, this.halfOpenDeadlineMs - now) : 0;
  }

  /** A trial call ended as a success; the circuit closes when all `halfOpenMaxCalls` did. Returns true when it closed. */
  closeIfTrialsSucceeded(now: number): boolean {
    if (this.trialSuccesses < this.#options.halfOpenMaxCalls) return false;
    this.transition('closed', 'trials-succeeded', now);
    return true;
  }

  /** No trial call is in flight any more: the half-open deadline no longer applies. */
  clearDeadlineWhenIdle(): void {
    if (this.trialsInFlight === 0) this.halfOpenDeadlineMs = Number.POSITIVE_INFINITY;
  }

  /**
   * Moves to `to` and starts a new generation. A transition told by the state store (`fromStore`)
   * takes `trips` and `openUntilMs` as the store gave them instead of counting a trip of its own.
   */
  transition(to: CircuitState, reason: CircuitTransitionReason, now: number, fromStore = false): void {
    const from = this.state;
    this.state = to;
    this.generation++;
    this.trialsAdmitted = 0;
    this.trialsInFlight = 0;
    this.trialSuccesses = 0;
    this.halfOpenDeadlineMs = Number.POSITIVE_INFINITY;
    if (to === 'open') {
      if (!fromStore) {
        this.trips++;
        this.openUntilMs = now + this.#openDurationMs(this.trips);
      }
    } else if (to === 'closed' || to === 'disabled') {
      if (!fromStore) this.trips = 0;
      this.openUntilMs = 0;
    }
    if (to !== 'isolated') {
      this.isolations = 0;
      this.isolationEpoch++;
    }
    this.#onTransition(from, to, reason, now, fromStore);
  }

  #openDurationMs(trips: number): number {
    const backoff = this.#options.openBackoff;
    return backoff === undefined ? this.#options.openDurationMs : baseRetryDelay(backoff, trips);
  }

  /**
   * Applies an expired half-open deadline and an elapsed open duration. The open period after a
   * half-open timeout starts at the deadline, not at the read that notices it, so a caller long
   * after the deadline may find that period already over and take the next trial.
   */
  refresh(now: number): void {
    if (this.state === 'half-open' && this.trialsInFlight > 0 && now >= this.halfOpenDeadlineMs) this.transition('open', 'half-open-timeout', this.halfOpenDeadlineMs);
    if (this.state === 'open' && now >= this.openUntilMs) this.transition('half-open', 'open-elapsed', now);
  }

  /** Holds the circuit isolated until the returned handle (and every other one) is released (the breaker's `CircuitIsolation`). */
  isolate(): { release(): void } {
    const now = this.#clock.now();
    if (this.state !== 'isolated') this.transition('isolated', 'isolate', now);
    this.isolations++;
    const epoch = this.isolationEpoch;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        if (epoch !== this.isolationEpoch || this.state !== 'isolated') return;
        this.isolations--;
        if (this.isolations === 0) this.transition('closed', 'release', this.#clock.now());
      },
    };
  }
}
