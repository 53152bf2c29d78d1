import type { ResolvedCircuitBreakerOptions } from '../circuit-breaker-options.js';
import { ConsecutiveFailuresStrategy } from './consecutive-failures-strategy.js';
import { CountWindowStrategy } from './count-window-strategy.js';
import { TimeWindowStrategy } from './time-window-strategy.js';
import type { TripStrategy } from './trip-strategy.js';

/** The trip strategy the resolved options ask for: by the `window` option, with its thresholds. */
export function createTripStrategy(options: ResolvedCircuitBreakerOptions): TripStrategy {
  const window = options.window;
  if (window === undefined) return new ConsecutiveFailuresStrategy(options.consecutiveFailures);
  const rates = { failureRateThreshold: options.failureRateThreshold, slowCallRateThreshold: options.slowCallRateThreshold, minimumCalls: options.minimumCalls };
  if (window.kind === 'count') return new CountWindowStrategy(window.size, options.consecutiveFailures, rates);
  return new TimeWindowStrategy(window.durationMs, window.bucketCount, options.consecutiveFailures, rates, options.clock);
}
