import { ManualClock, createInMemoryIdempotencyStore } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createBoundedMemoryIdempotencyStore } from '../internal/bounded-memory-store.js';
import { createClaimStore } from './claim-store.js';

const options = { idempotencyLeaseMs: 1_000, idempotencyTtlMs: 60_000 };

describe('createClaimStore', () => {
  it('answers synchronously over the built-in store: a claim number, then the live entry', () => {
    const clock = new ManualClock(0);
    const claims = createClaimStore(createBoundedMemoryIdempotencyStore({ maxEntries: 10, clock }), options);
    const token = claims.claim('k');
    expect(typeof token).toBe('number');
    expect(claims.claim('k')).toMatchObject({ state: 'in_progress', expiresAt: 1_000 });
    expect(claims.complete('k', token as number)).toBeUndefined();
    expect(claims.claim('k')).toMatchObject({ state: 'completed', expiresAt: 60_000 });
  });

  it('gives a released key to the next claim (built-in store)', () => {
    const claims = createClaimStore(createBoundedMemoryIdempotencyStore({ maxEntries: 10, clock: new ManualClock(0) }), options);
    const token = claims.claim('k') as number;
    expect(claims.release('k', token)).toBeUndefined();
    expect(typeof claims.claim('k')).toBe('number');
  });

  it('throws a conflict synchronously when the built-in claim is no longer held', () => {
    const clock = new ManualClock(0);
    const claims = createClaimStore(createBoundedMemoryIdempotencyStore({ maxEntries: 10, clock }), options);
    const token = claims.claim('k') as number;
    clock.advance(1_001);
    expect(() => claims.complete('k', token)).toThrow(/no longer held/);
  });

  it('answers with promises over any other store, with its lease and TTL', async () => {
    const clock = new ManualClock(0);
    const claims = createClaimStore(createInMemoryIdempotencyStore({ clock }), options);
    const first = await claims.claim('k');
    expect(first).toMatchObject({ status: 'claimed' });
    expect(await claims.claim('k')).toEqual({ status: 'in_progress', expiresAt: 1_000 });
    await claims.complete('k', (first as { token: string }).token);
    expect(await claims.claim('k')).toMatchObject({ status: 'completed' });
  });
});
