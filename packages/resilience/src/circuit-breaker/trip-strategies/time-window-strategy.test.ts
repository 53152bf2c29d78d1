import { ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { CLOCK_READ_EVERY } from './current-bucket-timer.js';
import { TimeWindowStrategy } from './time-window-strategy.js';

const rates = { failureRateThreshold: 0.5, slowCallRateThreshold: 0, minimumCalls: 2 };

/** A ManualClock that counts its reads. */
class CountingClock extends ManualClock {
  reads = 0;
  override now(): number {
    this.reads++;
    return super.now();
  }
}

describe('TimeWindowStrategy', () => {
  it('trips on the failure rate over the window; old buckets leave it', () => {
    const clock = new ManualClock(0);
    const strategy = new TimeWindowStrategy(10_000, 10, 0, rates, clock);
    strategy.record(true, false, clock.now());
    strategy.record(false, false, clock.now());
    expect(strategy.tripReason()).toBe('failure-rate');
    clock.advance(10_000);
    expect(strategy.totals(clock.now())).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
  });

  it('reads the clock once per bucket on the fast path, and at least every CLOCK_READ_EVERY successes', () => {
    const clock = new CountingClock(0);
    const strategy = new TimeWindowStrategy(10_000, 10, 0, rates, clock);
    strategy.recordFastSuccess();
    expect(clock.reads).toBe(1);
    expect(clock.pendingTimers).toBe(1); // the end of the current bucket
    for (let i = 0; i < CLOCK_READ_EVERY; i++) strategy.recordFastSuccess();
    expect(clock.reads).toBe(1);
    strategy.recordFastSuccess();
    expect(clock.reads).toBe(2);
    clock.advance(1_000); // the bucket ends: its timer fires
    expect(clock.pendingTimers).toBe(0);
    strategy.recordFastSuccess();
    expect(clock.reads).toBe(3);
    expect(strategy.totals(clock.now()).calls).toBe(CLOCK_READ_EVERY + 3);
  });

  it('after a reset the next success reads the clock; dispose clears the timer and starts no new one', () => {
    const clock = new CountingClock(0);
    const strategy = new TimeWindowStrategy(10_000, 10, 0, rates, clock);
    strategy.recordFastSuccess();
    strategy.reset();
    strategy.recordFastSuccess();
    expect(clock.reads).toBe(2);
    strategy.dispose();
    expect(clock.pendingTimers).toBe(0);
    strategy.recordFastSuccess();
    expect(clock.pendingTimers).toBe(0);
  });

  it('round-trips through a snapshot of the same shape only', () => {
    const clock = new ManualClock(5_000);
    const strategy = new TimeWindowStrategy(10_000, 10, 0, rates, clock);
    strategy.record(true, false, clock.now());
    const saved = strategy.toSnapshot(clock.now());
    expect(saved).toMatchObject({ kind: 'time', durationMs: 10_000, bucketCount: 10, headEpoch: 5 });
    const same = new TimeWindowStrategy(10_000, 10, 0, rates, clock);
    same.restore(1, saved);
    expect(same.totals(clock.now())).toEqual({ calls: 1, failures: 1, slowCalls: 0 });
    const other = new TimeWindowStrategy(10_000, 5, 0, rates, clock);
    other.restore(1, saved);
    expect(other.totals(clock.now())).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
  });
});
