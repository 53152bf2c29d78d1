import { ErrorCode, ManualClock, flushMicrotasks } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { settle } from '../__fixtures__/deferred.js';
import { isCircuitIsolatedError } from '../errors/circuit-isolated-error.js';
import { isCircuitOpenError } from '../errors/circuit-open-error.js';
import type { CircuitBreakerEvents } from './circuit-breaker-events.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import type { CircuitStateStore, SharedCircuitState } from './circuit-state-store.js';
import { createInMemoryCircuitStateStore } from './in-memory-circuit-state-store.js';

const ok = (): Promise<number> => Promise.resolve(42);
const boom = (): Promise<never> => Promise.reject(new Error('downstream 500'));

async function trip(breaker: CircuitBreaker): Promise<void> {
  await settle(breaker.execute(boom));
  await flushMicrotasks(); // let the background publish finish
}

describe('shared state through a CircuitStateStore', () => {
  it('a trip in one breaker opens the others within one sync interval; a successful trial closes them all', async () => {
    const clock = new ManualClock(10_000);
    const store = createInMemoryCircuitStateStore();
    const options = { name: 'erp', clock, stateStore: store, consecutiveFailures: 1, openDurationMs: 5_000, stateSyncIntervalMs: 1_000 };
    const a = createCircuitBreaker(options);
    const b = createCircuitBreaker(options);
    await flushMicrotasks();

    await trip(a);
    expect(store.peek('erp')).toMatchObject({ version: 1, state: 'open', openUntilMs: 15_000, trips: 1 });
    expect(b.state).toBe('closed'); // not synced yet
    await clock.advanceAsync(1_000);
    expect(b.state).toBe('open');
    const rejected = await settle(b.execute(ok));
    expect(isCircuitOpenError((rejected as { error: unknown }).error)).toBe(true);
    expect((rejected as { error: { retryAfterMs: number } }).error.retryAfterMs).toBe(4_000);

    await clock.advanceAsync(4_000);
    await expect(b.execute(ok)).resolves.toBe(42); // b's own trial
    await flushMicrotasks();
    expect(store.peek('erp')).toMatchObject({ version: 2, state: 'closed' });
    await clock.advanceAsync(1_000);
    expect(a.state).toBe('closed');
    a.dispose();
    b.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('when two breakers write at once, the loser adopts the winner', async () => {
    const clock = new ManualClock();
    const store = createInMemoryCircuitStateStore();
    const a = createCircuitBreaker({ name: 'crm', clock, stateStore: store, consecutiveFailures: 1, openDurationMs: 1_000 });
    const b = createCircuitBreaker({ name: 'crm', clock, stateStore: store, consecutiveFailures: 1, openDurationMs: 9_000 });
    await flushMicrotasks();
    await Promise.all([settle(a.execute(boom)), settle(b.execute(boom))]);
    await flushMicrotasks();
    const shared = store.peek('crm')!;
    expect(shared.version).toBe(1);
    expect(a.stats().openUntilMs).toBe(shared.openUntilMs);
    expect(b.stats().openUntilMs).toBe(shared.openUntilMs);
  });

  it('isolation is shared; releasing it closes the others', async () => {
    const clock = new ManualClock();
    const store = createInMemoryCircuitStateStore();
    const a = createCircuitBreaker({ name: 'pay', clock, stateStore: store });
    const b = createCircuitBreaker({ name: 'pay', clock, stateStore: store });
    await flushMicrotasks();
    const handle = a.isolate();
    await flushMicrotasks();
    await b.syncState();
    const rejected = await settle(b.execute(ok));
    expect(isCircuitIsolatedError((rejected as { error: unknown }).error)).toBe(true);
    handle.release();
    await flushMicrotasks();
    await b.syncState();
    expect(b.state).toBe('closed');
  });

  it('a failing or malformed store never affects calls; errors are reported as events', async () => {
    const clock = new ManualClock();
    let malformed = false;
    const failing: CircuitStateStore = {
      read: () => (malformed ? Promise.resolve({ version: 'x' } as unknown as SharedCircuitState) : Promise.reject(new Error('redis down'))),
      compareAndSet: () => Promise.reject(new Error('redis down')),
    };
    const breaker = createCircuitBreaker({ name: 'x', clock, stateStore: failing, consecutiveFailures: 1 });
    const errors: CircuitBreakerEvents['stateStoreError'][] = [];
    breaker.on('stateStoreError', (e) => errors.push(e));
    await expect(breaker.execute(ok)).resolves.toBe(42);
    await trip(breaker);
    expect(breaker.state).toBe('open');
    await breaker.syncState();
    malformed = true;
    await breaker.syncState();
    expect(errors.map((e) => e.operation)).toEqual(['read', 'write', 'read', 'read']); // initial read, publish, two syncs
    expect((errors[3]!.error as { code: string }).code).toBe(ErrorCode.DECODE);
    breaker.dispose();
  });

  it('the in-memory store is compare-and-set on version', async () => {
    const store = createInMemoryCircuitStateStore();
    const state: SharedCircuitState = { version: 1, state: 'open', openUntilMs: 5, trips: 1, updatedAtMs: 0 };
    await expect(store.compareAndSet('k', 1, state)).resolves.toBe(false);
    await expect(store.compareAndSet('k', 0, state)).resolves.toBe(true);
    await expect(store.compareAndSet('k', 0, { ...state, version: 2 })).resolves.toBe(false);
    await expect(store.read('k')).resolves.toEqual(state);
    await expect(store.read('other')).resolves.toBeUndefined();
  });
});
