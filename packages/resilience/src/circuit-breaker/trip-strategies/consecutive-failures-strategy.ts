import type { CircuitTransitionReason } from '../circuit-breaker-events.js';
import { NO_WINDOW_TOTALS, type TripStrategy, type WindowTotals } from './trip-strategy.js';

/**
 * Opens after `threshold` failures in a row (0 = never: it only counts them, for `stats()` and
 * snapshots). The strategy of a breaker without a window, and the first check of the window
 * strategies, which hold one.
 */
export class ConsecutiveFailuresStrategy implements TripStrategy {
  readonly needsTime = false;
  readonly #threshold: number;
  #count = 0;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  get consecutiveFailures(): number {
    return this.#count;
  }

  recordFastSuccess(): boolean {
    this.#count = 0;
    return false;
  }

  record(failed: boolean): void {
    this.#count = failed ? this.#count + 1 : 0;
  }

  atMinimumCalls(): boolean {
    return false;
  }

  tripReason(): CircuitTransitionReason | undefined {
    return this.#threshold > 0 && this.#count >= this.#threshold ? 'consecutive-failures' : undefined;
  }

  totals(): WindowTotals {
    return NO_WINDOW_TOTALS;
  }

  reset(): void {
    this.#count = 0;
  }

  toSnapshot(): null {
    return null;
  }

  restore(consecutiveFailures: number): void {
    this.#count = consecutiveFailures;
  }

  dispose(): void {
    // no timer
  }
}
