import { ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { idempotencyStoreContract } from '../test/contract/idempotency-store-contract.js';
import { createPgliteDatabase } from './pglite.js';
import { createSqlIdempotencyStore } from './sql-idempotency-store.js';
import { migrate } from './migrate.js';

idempotencyStoreContract({ name: "core's in-memory store (reference)" });
idempotencyStoreContract({ name: 'PGlite', open: () => createPgliteDatabase() });

describe('createSqlIdempotencyStore', () => {
  it('rejects bad options and keys with typed errors', async () => {
    expect(() => createSqlIdempotencyStore({ database: undefined as never })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => createSqlIdempotencyStore({ database: { query: () => Promise.resolve({ rows: [] }) }, schema: 'Bad Schema' })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    const store = createSqlIdempotencyStore({ database: { query: () => Promise.resolve({ rows: [] }) } });
    await expect(store.claim('', { leaseMs: 1 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(store.claim('k', { leaseMs: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('wraps database failures as retryable STORE_FAILED without leaking the key', async () => {
    const store = createSqlIdempotencyStore({ database: { query: () => Promise.reject(new Error('connection reset')) } });
    await expect(store.claim('secret-delivery-id', { leaseMs: 1000 })).rejects.toMatchObject({ code: 'STORE_FAILED', retryable: true });
    await expect(store.claim('secret-delivery-id', { leaseMs: 1000 })).rejects.not.toThrow(/secret-delivery-id/);
  });

  it('purges expired records only', async () => {
    const db = await createPgliteDatabase();
    try {
      await migrate(db);
      const clock = new ManualClock(0);
      const store = createSqlIdempotencyStore({ database: db, clock });
      for (const key of ['a', 'b', 'c']) {
        const claim = await store.claim(key, { leaseMs: 1000 });
        if (claim.status === 'claimed') await store.complete(key, claim.token, { ttlMs: key === 'c' ? 10_000 : 100 });
      }
      clock.advance(500);
      expect(await store.purgeExpired()).toBe(2);
      expect(await store.get('c')).toMatchObject({ state: 'completed' });
    } finally {
      await db.close();
    }
  }, 120_000); // PGlite's WebAssembly start-up is slow on a loaded machine
});
