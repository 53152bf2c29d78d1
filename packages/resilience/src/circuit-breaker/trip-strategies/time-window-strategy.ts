import type { Clock } from '@iap/core';
import { BucketWindow } from '../../internal/bucket-window.js';
import type { CircuitTransitionReason } from '../circuit-breaker-events.js';
import type { CircuitWindowSnapshot } from '../circuit-breaker-snapshot.js';
import { CurrentBucketTimer } from './current-bucket-timer.js';
import type { TripStrategy, WindowTotals } from './trip-strategy.js';
import { WindowTripStrategy, type RateThresholds } from './window-trip-strategy.js';

/** Metrics counted per bucket, in this order (also the order of a snapshot's bucket rows). */
const M_CALLS = 0;
const M_FAILURES = 1;
const M_SLOW = 2;

/**
 * Opens when the failure rate or the slow-call rate over the last `durationMs` reaches its
 * threshold (once the window holds `minimumCalls`), or after `consecutiveFailures` in a row. The
 * window is `bucketCount` fixed buckets ({@link BucketWindow}, O(1) per call); a success on the
 * closed fast path reads the clock once per bucket or per 64 successes ({@link CurrentBucketTimer}).
 */
export class TimeWindowStrategy extends WindowTripStrategy implements TripStrategy {
  readonly needsTime = true;
  readonly #clock: Clock;
  readonly #window: BucketWindow;
  readonly #head: CurrentBucketTimer;

  constructor(durationMs: number, bucketCount: number, consecutiveFailures: number, rates: RateThresholds, clock: Clock) {
    super(consecutiveFailures, rates);
    this.#clock = clock;
    this.#window = new BucketWindow(durationMs, bucketCount, 3);
    this.#head = new CurrentBucketTimer(clock);
  }

  recordFastSuccess(): boolean {
    this.consecutive.recordFastSuccess();
    const window = this.#window;
    if (this.#head.skipClockRead()) {
      window.addToHead(M_CALLS);
    } else {
      const now = this.#clock.now();
      window.add(now, M_CALLS);
      this.#head.entered(now, window.headEndMs);
    }
    return window.total(M_CALLS) === this.minimumCalls;
  }

  record(failed: boolean, slow: boolean, nowMs: number): void {
    this.consecutive.record(failed);
    const window = this.#window;
    window.add(nowMs, M_CALLS);
    if (failed) window.add(nowMs, M_FAILURES);
    if (slow) window.add(nowMs, M_SLOW);
  }

  atMinimumCalls(): boolean {
    return this.#window.total(M_CALLS) === this.minimumCalls;
  }

  tripReason(): CircuitTransitionReason | undefined {
    const window = this.#window;
    return this.reasonFor(window.total(M_CALLS), window.total(M_FAILURES), window.total(M_SLOW));
  }

  totals(nowMs: number): WindowTotals {
    const window = this.#window;
    window.advance(nowMs);
    return { calls: window.total(M_CALLS), failures: window.total(M_FAILURES), slowCalls: window.total(M_SLOW) };
  }

  reset(): void {
    this.consecutive.reset();
    this.#window.reset();
    this.#head.forget();
  }

  toSnapshot(nowMs: number): CircuitWindowSnapshot {
    const window = this.#window;
    window.advance(nowMs);
    return { kind: 'time', durationMs: window.durationMs, bucketCount: window.bucketCount, ...window.toJSON() };
  }

  restore(consecutiveFailures: number, saved: CircuitWindowSnapshot | null): void {
    this.consecutive.restore(consecutiveFailures);
    const window = this.#window;
    if (saved?.kind === 'time' && saved.durationMs === window.durationMs && saved.bucketCount === window.bucketCount) window.load(saved.headEpoch, saved.buckets);
  }

  dispose(): void {
    this.#head.dispose();
  }
}
