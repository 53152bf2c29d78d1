import { ManualClock, flushMicrotasks } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { settle } from '../__fixtures__/deferred.js';
import { createCircuitBreaker } from './circuit-breaker.js';

describe('circuit breaker: the open period after a half-open timeout starts at the deadline (issue 18)', () => {
  async function hungTrial(): Promise<{ clock: ManualClock; breaker: ReturnType<typeof createCircuitBreaker>; changes: { reason: string; atMs: number }[] }> {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 1_000, maxHalfOpenDurationMs: 2_000 });
    const changes: { reason: string; atMs: number }[] = [];
    breaker.on('stateChange', (e) => changes.push({ reason: e.reason, atMs: e.atMs }));
    await expect(breaker.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down'); // open at 0
    clock.advance(1_000);
    void settle(breaker.execute(() => new Promise<never>(() => {}))); // trial at 1_000, never settles: deadline 3_000
    await flushMicrotasks();
    return { clock, breaker, changes };
  }

  it('a caller long after the deadline takes the next trial (the new open period ended at 4_000)', async () => {
    const { clock, breaker, changes } = await hungTrial();
    clock.advance(3_500); // t = 4_500, nobody called since the trial
    await expect(breaker.execute(() => 42)).resolves.toBe(42);
    expect(breaker.state).toBe('closed');
    expect(changes.map((c) => c.reason)).toEqual(['consecutive-failures', 'open-elapsed', 'half-open-timeout', 'open-elapsed', 'trials-succeeded']);
    expect(changes[2]!.atMs).toBe(3_000);
  });

  it('a read between the deadline and the end of the new open period shows the open period counted from the deadline', async () => {
    const { clock, breaker } = await hungTrial();
    clock.advance(2_500); // t = 3_500
    expect(breaker.stats()).toMatchObject({ state: 'open', openUntilMs: 4_000 });
    const rejected = await settle(breaker.execute(() => 1));
    expect(rejected).toMatchObject({ ok: false, error: { retryAfterMs: 500 } });
  });
});
