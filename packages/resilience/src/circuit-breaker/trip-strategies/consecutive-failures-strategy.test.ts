import { describe, expect, it } from 'vitest';
import { ConsecutiveFailuresStrategy } from './consecutive-failures-strategy.js';

describe('ConsecutiveFailuresStrategy', () => {
  it('trips at the threshold of failures in a row; a success starts over', () => {
    const strategy = new ConsecutiveFailuresStrategy(3);
    strategy.record(true);
    strategy.record(true);
    expect(strategy.tripReason()).toBeUndefined();
    strategy.record(false);
    expect(strategy.consecutiveFailures).toBe(0);
    for (let i = 0; i < 3; i++) strategy.record(true);
    expect(strategy.consecutiveFailures).toBe(3);
    expect(strategy.tripReason()).toBe('consecutive-failures');
    expect(strategy.recordFastSuccess()).toBe(false);
    expect(strategy.tripReason()).toBeUndefined();
  });

  it('with threshold 0 only counts, never trips; it has no window', () => {
    const strategy = new ConsecutiveFailuresStrategy(0);
    for (let i = 0; i < 100; i++) strategy.record(true);
    expect(strategy.consecutiveFailures).toBe(100);
    expect(strategy.tripReason()).toBeUndefined();
    expect(strategy.atMinimumCalls()).toBe(false);
    expect(strategy.totals()).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    expect(strategy.toSnapshot()).toBeNull();
  });

  it('restores the count from a snapshot and forgets it on reset', () => {
    const strategy = new ConsecutiveFailuresStrategy(5);
    strategy.restore(4);
    strategy.record(true);
    expect(strategy.tripReason()).toBe('consecutive-failures');
    strategy.reset();
    expect(strategy.consecutiveFailures).toBe(0);
  });
});
