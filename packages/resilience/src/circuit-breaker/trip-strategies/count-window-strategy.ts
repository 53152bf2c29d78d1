import { CountWindow, FAILURE_BIT, SLOW_BIT } from '../../internal/count-window.js';
import type { CircuitTransitionReason } from '../circuit-breaker-events.js';
import type { CircuitWindowSnapshot } from '../circuit-breaker-snapshot.js';
import type { TripStrategy, WindowTotals } from './trip-strategy.js';
import { WindowTripStrategy, type RateThresholds } from './window-trip-strategy.js';

/**
 * Opens when the failure rate or the slow-call rate over the last `size` calls reaches its
 * threshold (once the window holds `minimumCalls`), or after `consecutiveFailures` in a row.
 * Recording is O(1) into a preallocated ring ({@link CountWindow}) and never reads the clock.
 */
export class CountWindowStrategy extends WindowTripStrategy implements TripStrategy {
  readonly needsTime = false;
  readonly #window: CountWindow;

  constructor(size: number, consecutiveFailures: number, rates: RateThresholds) {
    super(consecutiveFailures, rates);
    this.#window = new CountWindow(size);
  }

  recordFastSuccess(): boolean {
    this.consecutive.recordFastSuccess();
    this.#window.record(0);
    return this.#window.calls === this.minimumCalls;
  }

  record(failed: boolean, slow: boolean): void {
    this.consecutive.record(failed);
    this.#window.record((failed ? FAILURE_BIT : 0) | (slow ? SLOW_BIT : 0));
  }

  atMinimumCalls(): boolean {
    return this.#window.calls === this.minimumCalls;
  }

  tripReason(): CircuitTransitionReason | undefined {
    const window = this.#window;
    return this.reasonFor(window.calls, window.failures, window.slowCalls);
  }

  totals(): WindowTotals {
    const window = this.#window;
    return { calls: window.calls, failures: window.failures, slowCalls: window.slowCalls };
  }

  reset(): void {
    this.consecutive.reset();
    this.#window.reset();
  }

  toSnapshot(): CircuitWindowSnapshot {
    return { kind: 'count', size: this.#window.size, outcomes: this.#window.toArray() };
  }

  restore(consecutiveFailures: number, saved: CircuitWindowSnapshot | null): void {
    this.consecutive.restore(consecutiveFailures);
    if (saved?.kind === 'count' && saved.size === this.#window.size) this.#window.load(saved.outcomes);
  }

  dispose(): void {
    // no timer
  }
}
