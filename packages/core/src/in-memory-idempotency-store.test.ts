import { describe, expect, it } from 'vitest';
import { createInMemoryIdempotencyStore } from './in-memory-idempotency-store.js';
import { ManualClock } from './manual-clock.js';

describe('in-memory idempotency store', () => {
  it('grants exactly one of many concurrent claims', async () => {
    const store = createInMemoryIdempotencyStore();
    const results = await Promise.all(Array.from({ length: 100 }, () => store.claim('k', { leaseMs: 1000 })));
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'in_progress')).toHaveLength(99);
  });

  it('remembers completion with its result until the TTL ends', async () => {
    const clock = new ManualClock(0);
    const store = createInMemoryIdempotencyStore({ clock });
    const claim = await store.claim('k', { leaseMs: 1000 });
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await store.complete('k', claim.token, { ttlMs: 5000, result: { orderId: 'o-1' } });
    expect(await store.claim('k', { leaseMs: 1000 })).toEqual({ status: 'completed', result: { orderId: 'o-1' } });
    clock.advance(5000);
    expect((await store.claim('k', { leaseMs: 1000 })).status).toBe('claimed');
  });

  it('lets a claim be taken over after its lease expires; the late owner learns it lost', async () => {
    const clock = new ManualClock(0);
    const store = createInMemoryIdempotencyStore({ clock });
    const first = await store.claim('k', { leaseMs: 100 });
    clock.advance(100);
    const second = await store.claim('k', { leaseMs: 100 });
    expect(second.status).toBe('claimed');
    if (first.status !== 'claimed') throw new Error('expected a claim');
    await expect(store.complete('k', first.token, { ttlMs: 1000 })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('release frees the key only for its owner', async () => {
    const store = createInMemoryIdempotencyStore();
    const claim = await store.claim('k', { leaseMs: 1000 });
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await store.release('k', 'someone-else');
    expect((await store.claim('k', { leaseMs: 1000 })).status).toBe('in_progress');
    await store.release('k', claim.token);
    expect((await store.claim('k', { leaseMs: 1000 })).status).toBe('claimed');
  });

  it('stays within maxEntries by evicting expired, then oldest completed records; in-progress claims survive', async () => {
    const clock = new ManualClock(0);
    const store = createInMemoryIdempotencyStore({ clock, maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) {
      const c = await store.claim(key, { leaseMs: 1000 });
      if (c.status === 'claimed' && key !== 'c') await store.complete(key, c.token, { ttlMs: 10_000 });
    }
    await store.claim('d', { leaseMs: 1000 });
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.get('c'))?.state).toBe('in_progress');
    for (let i = 0; i < 1000; i++) {
      const c = await store.claim(`x${i}`, { leaseMs: 1 });
      if (c.status === 'claimed') await store.complete(`x${i}`, c.token, { ttlMs: 1 });
    }
    expect(store.size).toBeLessThanOrEqual(3);
  });

  it('rejects invalid options', () => {
    expect(() => createInMemoryIdempotencyStore({ maxEntries: 0 })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});

describe('in-memory idempotency store at capacity', () => {
  it('stays bounded over 50,000 claims through a 5,000-entry store, keeping the newest keys', async () => {
    const store = createInMemoryIdempotencyStore({ maxEntries: 5000 });
    for (let i = 0; i < 50_000; i++) {
      const claim = await store.claim(`k${i}`, { leaseMs: 60_000 });
      if (claim.status === 'claimed') await store.complete(`k${i}`, claim.token, { ttlMs: 60_000 });
      expect(store.size).toBeLessThanOrEqual(5000);
    }
    // the newest keys are still remembered as completed
    expect((await store.claim('k49999', { leaseMs: 1 })).status).toBe('completed');
  });
});
