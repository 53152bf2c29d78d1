import type { CircuitTransitionReason } from '../circuit-breaker-events.js';
import type { CircuitWindowSnapshot } from '../circuit-breaker-snapshot.js';

/** Calls, failures and slow calls counted in a window (all 0 without one). */
export interface WindowTotals {
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
}

/**
 * Decides when a closed circuit opens: it counts the outcomes of the calls made while closed and
 * names the threshold they reached. One strategy per breaker, chosen from the `window` option:
 * {@link ConsecutiveFailuresStrategy} (no window), {@link CountWindowStrategy} (the last `size`
 * calls) or {@link TimeWindowStrategy} (the last `durationMs`). Every strategy also keeps the
 * failures in a row, which `stats()` and snapshots report and the window strategies check first.
 *
 * The breaker calls it only while closed; half-open trial calls are judged by the state machine.
 * Counting and checking are two steps, so the breaker can emit the outcome's event in between.
 */
export interface TripStrategy {
  /** Failures in a row since the last success. */
  readonly consecutiveFailures: number;
  /** Whether {@link TripStrategy.record} needs the current time (a time window buckets by it). */
  readonly needsTime: boolean;
  /**
   * Counts a success that was not slow, on the breaker's allocation-free closed path (it may read
   * the clock itself, as rarely as it can). Returns true when a threshold may have been reached.
   */
  recordFastSuccess(): boolean;
  /** Counts a success or a failure; `nowMs` is only meaningful when `needsTime`, `failed` or `slow`. */
  record(failed: boolean, slow: boolean, nowMs: number): void;
  /** Whether the window holds exactly `minimumCalls` calls (a success may then make a rate count). */
  atMinimumCalls(): boolean;
  /** The threshold reached by what was counted, if any. */
  tripReason(): CircuitTransitionReason | undefined;
  /** The window's totals as of `nowMs`. */
  totals(nowMs: number): WindowTotals;
  /** Forgets everything counted (the circuit closed, or was disabled). */
  reset(): void;
  /** The window contents for a snapshot, or `null` without a window. */
  toSnapshot(nowMs: number): CircuitWindowSnapshot | null;
  /** Restores what a snapshot saved; a saved window of another shape is not restored. */
  restore(consecutiveFailures: number, window: CircuitWindowSnapshot | null): void;
  /** Stops any timer the strategy holds. */
  dispose(): void;
}

/** The totals of a strategy without a window. */
export const NO_WINDOW_TOTALS: WindowTotals = Object.freeze({ calls: 0, failures: 0, slowCalls: 0 });
