/**
 * Writers racing on one partition key must never produce rows whose id order differs from their
 * commit order; otherwise a relay could publish a later message before an earlier one that was
 * still uncommitted. The outbox takes a transaction-scoped advisory lock per key before drawing ids.
 */
import { createEnvelope, seededRandom } from '@iap/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createOutbox, createRelay, migrate, type MessagingDatabase, type Outbox } from '../../src/index.js';
import { createPostgresDatabase } from '../../src/postgres.js';
import { dropSchema, randomSchema } from '../support/databases.js';
import { TestPublisher } from '../support/test-publisher.js';
import { waitFor } from '../support/wait-for.js';

const service = await requirePostgres();

function message(key: string, n: number): { destination: string; envelope: ReturnType<typeof createEnvelope> } {
  return { destination: 'orders', envelope: createEnvelope({ type: 'test.event', source: '/commit-order', data: { n }, partitionKey: key }) };
}

describe.skipIf(!service.available)('commit order per key on PostgreSQL', () => {
  let pool: pg.Pool;
  let db: MessagingDatabase;
  let outbox: Outbox;
  const schema = randomSchema();

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: service.url, max: 12 });
    db = createPostgresDatabase({ pool });
    await migrate(db, { schema });
    outbox = createOutbox({ schema, keepPublishedForMs: 3_600_000 });
  });

  afterAll(async () => {
    await dropSchema(db, schema);
    await db.close();
    await pool.end();
  });

  async function backendWaitsOnAdvisoryLock(pid: number): Promise<boolean> {
    const result = await pool.query<{ wait_event: string | null }>('SELECT wait_event FROM pg_stat_activity WHERE pid = $1', [pid]);
    return result.rows[0]?.wait_event === 'advisory';
  }

  it('makes a second writer of the same key wait for the first to commit (or roll back)', async () => {
    const first = await pool.connect();
    const second = await pool.connect();
    const third = await pool.connect();
    try {
      const secondPid = (await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await first.query('BEGIN');
      await outbox.enqueue(first, message('order-1', 1));
      await second.query('BEGIN');
      let secondDone = false;
      const secondEnqueue = outbox.enqueue(second, message('order-1', 2)).then(() => {
        secondDone = true;
      });
      await waitFor(() => backendWaitsOnAdvisoryLock(secondPid), 'the second writer to wait on the key lock');
      // another key is not blocked
      await third.query('BEGIN');
      await outbox.enqueue(third, message('order-2', 1));
      await third.query('COMMIT');
      expect(secondDone).toBe(false);
      await first.query('COMMIT');
      await secondEnqueue;
      await second.query('COMMIT');
      const rows = await pool.query<{ n: number }>(`SELECT (data->>'n')::int AS n FROM "${schema}".iap_outbox WHERE partition_key = 'order-1' ORDER BY id`);
      expect(rows.rows.map((r) => r.n)).toEqual([1, 2]);

      // a rolled-back holder releases the key too
      await first.query('BEGIN');
      await outbox.enqueue(first, message('order-3', 1));
      await second.query('BEGIN');
      const pending = outbox.enqueue(second, message('order-3', 2));
      await waitFor(() => backendWaitsOnAdvisoryLock(secondPid), 'the second writer to wait again');
      await first.query('ROLLBACK');
      await pending;
      await second.query('COMMIT');
      const after = await pool.query<{ n: number }>(`SELECT (data->>'n')::int AS n FROM "${schema}".iap_outbox WHERE partition_key = 'order-3' ORDER BY id`);
      expect(after.rows.map((r) => r.n)).toEqual([2]);
    } finally {
      first.release();
      second.release();
      third.release();
    }
  });

  it('keeps published order equal to id order under concurrent writers and a running relay', async () => {
    const random = seededRandom(2024);
    const keys = ['hot-a', 'hot-b', 'hot-c'];
    const publisher = new TestPublisher();
    const relay = createRelay({ database: db, outbox, publisher, listen: false, metricsIntervalMs: 0, batchSize: 50 });
    let writing = true;
    const relayLoop = (async () => {
      while (writing || (await relay.runOnce()).claimed > 0) await relay.runOnce();
    })();
    const writers = Array.from({ length: 10 }, async (_, writer) => {
      for (let i = 0; i < 30; i++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const key = keys[Math.floor(random() * keys.length)]!;
          await outbox.enqueue(client, message(key, writer * 1000 + i));
          // interleave with other writers between the insert and the commit
          for (let turns = Math.floor(random() * 4); turns > 0; turns--) await client.query('SELECT 1');
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    });
    await Promise.all(writers);
    writing = false;
    await relayLoop;
    await relay.stop();
    expect(publisher.published.filter((m) => m.partitionKey?.startsWith('hot-'))).toHaveLength(300);
    const ids = await pool.query<{ id: string; message_id: string }>(`SELECT id::text AS id, message_id FROM "${schema}".iap_outbox WHERE partition_key LIKE 'hot-%'`);
    const rowId = new Map(ids.rows.map((r) => [r.message_id, BigInt(r.id)]));
    for (const key of keys) {
      const published = publisher.published.filter((m) => m.partitionKey === key).map((m) => rowId.get(m.id)!);
      const sorted = [...published].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(published).toEqual(sorted);
    }
  });
});
