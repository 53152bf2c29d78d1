import { ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createBoundedMemoryIdempotencyStore } from './bounded-memory-store.js';

const lease = { leaseMs: 1_000 };
const ttl = { ttlMs: 10_000 };

describe('createBoundedMemoryIdempotencyStore', () => {
  it('claims, completes, answers duplicates and releases like the core contract says', async () => {
    const clock = new ManualClock(0);
    const store = createBoundedMemoryIdempotencyStore({ maxEntries: 10, clock });
    const first = await store.claim('a', lease);
    expect(first.status).toBe('claimed');
    expect(await store.claim('a', lease)).toEqual({ status: 'in_progress', expiresAt: 1_000 });
    if (first.status !== 'claimed') return;
    await store.complete('a', first.token, { ttlMs: 10_000, result: { ok: 1 } });
    expect(await store.claim('a', lease)).toEqual({ status: 'completed', result: { ok: 1 } });
    const b = await store.claim('b', lease);
    if (b.status !== 'claimed') throw new Error('expected a claim');
    await store.release('b', 'not-the-token');
    expect((await store.claim('b', lease)).status).toBe('in_progress');
    await store.release('b', b.token);
    expect((await store.claim('b', lease)).status).toBe('claimed');
  });

  it('lets an expired lease be claimed again and rejects the late completion', async () => {
    const clock = new ManualClock(0);
    const store = createBoundedMemoryIdempotencyStore({ maxEntries: 10, clock });
    const stale = await store.claim('k', lease);
    clock.advance(1_000);
    const fresh = await store.claim('k', lease);
    expect(fresh.status).toBe('claimed');
    if (stale.status !== 'claimed') return;
    await expect(store.complete('k', stale.token, ttl)).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    clock.advance(20_000);
    expect(await store.get('k')).toBeUndefined();
  });

  it('when full, evicts the oldest completed records first and never a running claim', async () => {
    const clock = new ManualClock(0);
    const store = createBoundedMemoryIdempotencyStore({ maxEntries: 3, clock }); // evicts one at a time
    const running = await store.claim('running', { leaseMs: 100_000 });
    for (const key of ['c1', 'c2']) {
      const claim = await store.claim(key, lease);
      if (claim.status === 'claimed') await store.complete(key, claim.token, ttl);
    }
    await store.claim('new', lease);
    expect(await store.get('running')).toMatchObject({ state: 'in_progress' });
    expect(await store.get('c1')).toBeUndefined();
    expect(await store.get('c2')).toMatchObject({ state: 'completed' });
    expect(running.status).toBe('claimed');
  });

  it('evicts a tenth of a full store at once and keeps the newest records', async () => {
    const clock = new ManualClock(0);
    const store = createBoundedMemoryIdempotencyStore({ maxEntries: 100, clock });
    for (let i = 0; i < 250; i++) {
      const claim = await store.claim(`k${i}`, lease);
      if (claim.status === 'claimed') await store.complete(`k${i}`, claim.token, ttl);
    }
    let kept = 0;
    for (let i = 0; i < 250; i++) if ((await store.get(`k${i}`)) !== undefined) kept++;
    expect(kept).toBeLessThanOrEqual(100);
    expect(kept).toBeGreaterThanOrEqual(90);
    expect(await store.get('k249')).toMatchObject({ state: 'completed' });
    expect(await store.get('k0')).toBeUndefined();
  });
});
