import type { CircuitTransitionReason } from '../circuit-breaker-events.js';
import { ConsecutiveFailuresStrategy } from './consecutive-failures-strategy.js';

/** The rate thresholds of a window strategy (0 = off) and the calls the window must hold first. */
export interface RateThresholds {
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number;
  readonly minimumCalls: number;
}

/** The rate threshold that `calls`, `failures` and `slowCalls` of a window reach, if any (failure rate first). */
function rateTripReason(thresholds: RateThresholds, calls: number, failures: number, slowCalls: number): CircuitTransitionReason | undefined {
  if (calls === 0 || calls < thresholds.minimumCalls) return undefined;
  if (thresholds.failureRateThreshold > 0 && failures / calls >= thresholds.failureRateThreshold) return 'failure-rate';
  if (thresholds.slowCallRateThreshold > 0 && slowCalls / calls >= thresholds.slowCallRateThreshold) return 'slow-call-rate';
  return undefined;
}

/**
 * What the window strategies share: the failures in a row, checked first, and the rate thresholds
 * checked over the window's totals once it holds `minimumCalls`.
 */
export abstract class WindowTripStrategy {
  protected readonly consecutive: ConsecutiveFailuresStrategy;
  protected readonly minimumCalls: number;
  readonly #rates: RateThresholds;

  constructor(consecutiveFailures: number, rates: RateThresholds) {
    this.consecutive = new ConsecutiveFailuresStrategy(consecutiveFailures);
    this.minimumCalls = rates.minimumCalls;
    this.#rates = rates;
  }

  get consecutiveFailures(): number {
    return this.consecutive.consecutiveFailures;
  }

  /** The threshold reached: consecutive failures first, then the rates over these window totals. */
  protected reasonFor(calls: number, failures: number, slowCalls: number): CircuitTransitionReason | undefined {
    return this.consecutive.tripReason() ?? rateTripReason(this.#rates, calls, failures, slowCalls);
  }
}
