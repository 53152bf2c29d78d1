/**
 * Contract of core's IdempotencyStore, run against the SQL store on PGlite and PostgreSQL (and
 * against core's in-memory store, so both implementations provably mean the same thing).
 */
import { ManualClock, createInMemoryIdempotencyStore, type IdempotencyStore } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagingDatabase } from '../../src/index.js';
import { createSqlIdempotencyStore, migrate } from '../../src/index.js';
import { dropSchema, randomSchema } from '../support/databases.js';

export interface IdempotencyContractTarget {
  readonly name: string;
  /** Opens the database, or undefined for core's in-memory store. */
  readonly open?: () => Promise<MessagingDatabase>;
}

export function idempotencyStoreContract(target: IdempotencyContractTarget): void {
  describe(`IdempotencyStore contract on ${target.name}`, () => {
    let db: MessagingDatabase | undefined;
    const schemas: string[] = [];

    beforeAll(async () => {
      db = await target.open?.();
    }, 120_000);

    afterAll(async () => {
      if (!db) return;
      for (const schema of schemas) await dropSchema(db, schema);
      await db.close();
    });

    async function open(): Promise<{ store: IdempotencyStore; clock: ManualClock }> {
      const clock = new ManualClock(Date.UTC(2026, 0, 1));
      if (!db) return { store: createInMemoryIdempotencyStore({ clock }), clock };
      const schema = randomSchema();
      schemas.push(schema);
      await migrate(db, { schema });
      return { store: createSqlIdempotencyStore({ database: db, schema, clock }), clock };
    }

    it('grants exactly one of many concurrent claims', async () => {
      const { store } = await open();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claim('delivery-1', { leaseMs: 60_000 })));
      expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'in_progress')).toHaveLength(19);
    });

    it('answers completed with the stored result until the TTL ends', async () => {
      const { store, clock } = await open();
      const claim = await store.claim('k', { leaseMs: 1000 });
      if (claim.status !== 'claimed') throw new Error('expected a claim');
      await store.complete('k', claim.token, { ttlMs: 5000, result: { invoiceId: 'INV-1' } });
      expect(await store.claim('k', { leaseMs: 1000 })).toEqual({ status: 'completed', result: { invoiceId: 'INV-1' } });
      expect(await store.get('k')).toMatchObject({ key: 'k', state: 'completed', result: { invoiceId: 'INV-1' } });
      clock.advance(5000);
      expect(await store.get('k')).toBeUndefined();
      expect((await store.claim('k', { leaseMs: 1000 })).status).toBe('claimed');
    });

    it('lets an expired claim be taken over; the late owner cannot complete', async () => {
      const { store, clock } = await open();
      const first = await store.claim('k', { leaseMs: 100 });
      expect(await store.claim('k', { leaseMs: 100 })).toMatchObject({ status: 'in_progress' });
      clock.advance(100);
      const second = await store.claim('k', { leaseMs: 100 });
      expect(second.status).toBe('claimed');
      if (first.status !== 'claimed') throw new Error('expected a claim');
      await expect(store.complete('k', first.token, { ttlMs: 1000 })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    });

    it('release frees the key only for the token that holds it', async () => {
      const { store } = await open();
      const claim = await store.claim('k', { leaseMs: 1000 });
      if (claim.status !== 'claimed') throw new Error('expected a claim');
      await store.release('k', 'not-the-token');
      expect((await store.claim('k', { leaseMs: 1000 })).status).toBe('in_progress');
      await store.release('k', claim.token);
      expect((await store.claim('k', { leaseMs: 1000 })).status).toBe('claimed');
    });

    it('completes without a result', async () => {
      const { store } = await open();
      const claim = await store.claim('k', { leaseMs: 1000 });
      if (claim.status !== 'claimed') throw new Error('expected a claim');
      await store.complete('k', claim.token, { ttlMs: 1000 });
      expect(await store.claim('k', { leaseMs: 1000 })).toEqual({ status: 'completed' });
    });
  });
}
