import { describe, expect, it } from 'vitest';
import { CountWindowStrategy } from './count-window-strategy.js';

const rates = { failureRateThreshold: 0.5, slowCallRateThreshold: 0.8, minimumCalls: 4 };

describe('CountWindowStrategy', () => {
  it('counts no rate before minimumCalls, then trips on the failure rate', () => {
    const strategy = new CountWindowStrategy(10, 0, rates);
    strategy.record(true, false);
    strategy.record(true, false);
    strategy.record(false, false);
    expect(strategy.tripReason()).toBeUndefined();
    expect(strategy.recordFastSuccess()).toBe(true); // the window now holds minimumCalls
    expect(strategy.atMinimumCalls()).toBe(true);
    expect(strategy.totals()).toEqual({ calls: 4, failures: 2, slowCalls: 0 });
    expect(strategy.tripReason()).toBe('failure-rate');
  });

  it('trips on the slow-call rate, and on consecutive failures first', () => {
    const slow = new CountWindowStrategy(4, 0, rates);
    for (let i = 0; i < 4; i++) slow.record(false, true);
    expect(slow.tripReason()).toBe('slow-call-rate');
    const consecutive = new CountWindowStrategy(4, 2, rates);
    consecutive.record(true, false);
    consecutive.record(true, false);
    expect(consecutive.tripReason()).toBe('consecutive-failures');
  });

  it('keeps only the last size calls', () => {
    const strategy = new CountWindowStrategy(4, 0, rates);
    for (let i = 0; i < 4; i++) strategy.record(true, false);
    for (let i = 0; i < 4; i++) strategy.recordFastSuccess();
    expect(strategy.totals()).toEqual({ calls: 4, failures: 0, slowCalls: 0 });
    expect(strategy.tripReason()).toBeUndefined();
  });

  it('round-trips through a snapshot of the same size only', () => {
    const strategy = new CountWindowStrategy(4, 0, rates);
    strategy.record(true, true);
    strategy.record(false, false);
    const saved = strategy.toSnapshot();
    expect(saved).toEqual({ kind: 'count', size: 4, outcomes: [3, 0] });
    const same = new CountWindowStrategy(4, 0, rates);
    same.restore(1, saved);
    expect(same.totals()).toEqual({ calls: 2, failures: 1, slowCalls: 1 });
    expect(same.consecutiveFailures).toBe(1);
    const other = new CountWindowStrategy(5, 0, rates);
    other.restore(1, saved);
    expect(other.totals()).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    expect(other.consecutiveFailures).toBe(1);
  });
});
