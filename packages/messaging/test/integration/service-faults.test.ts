/**
 * The messaging database, outbox, relay and inbox when PostgreSQL fails under them, on a private
 * cluster (never the shared server): a backend terminated inside `db.transaction`, every backend
 * terminated while a relay runs, and a PostgreSQL restart. Must hold: no unhandled error (the test
 * run fails on one), the work in hand fails with a typed or driver error, everything after works
 * again without a restart of ours, and every committed message is published once the database is
 * back, in per-key order.
 */
import { createEnvelope } from '@iap/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../../../../scripts/testing/private-postgres.js';
import { createInbox, createInProcessTransport, createOutbox, createRelay, migrate, type MessagingDatabase } from '../../src/index.js';
import { createPostgresDatabase } from '../../src/postgres.js';
import { waitFor } from '../support/wait-for.js';

const available = postgresBinDir() !== undefined;
if (!available) {
  if (process.env.IAP_REQUIRE_SERVICES === '1') throw new Error('[iap] the messaging fault test needs PostgreSQL server binaries (initdb) and IAP_REQUIRE_SERVICES=1');
  console.warn('\n!!! SKIPPING the messaging fault test: no PostgreSQL server binaries (initdb)\n');
}

describe.skipIf(!available)('messaging under PostgreSQL faults (private cluster)', () => {
  let cluster: PrivatePostgres;
  let admin: pg.Pool;
  let db: MessagingDatabase;

  const terminateAll = () => admin.query("SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    admin = new pg.Pool({ connectionString: cluster.url, max: 2 });
    admin.on('error', () => undefined);
    db = createPostgresDatabase({ connectionString: cluster.url, maxConnections: 4, connectTimeoutMs: 3_000 });
    await migrate(db);
    await db.query('CREATE TABLE effects (message_id text PRIMARY KEY)');
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await admin?.end();
    await cluster?.destroy();
  }, 60_000);

  it('a backend terminated inside db.transaction fails that transaction and nothing else', async () => {
    const outbox = createOutbox();
    const failing = db.transaction(async (tx) => {
      await outbox.enqueue(tx, { destination: 'orders', envelope: createEnvelope({ type: 't', source: '/s', data: { n: 1 } }) });
      await tx.query('SELECT pg_sleep(30)');
    });
    await waitFor(async () => Number((await admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'")).rows[0].n) === 1, 'the transaction to sleep', 10_000);
    await terminateAll();
    await expect(failing).rejects.toMatchObject({ code: '57P01' });
    // the rolled-back message is not in the outbox; the next transaction works
    expect((await outbox.stats(db)).pending).toBe(0);
    await db.transaction((tx) => outbox.enqueue(tx, { destination: 'orders', envelope: createEnvelope({ type: 't', source: '/s', data: { n: 2 } }) }));
    expect((await outbox.stats(db)).pending).toBe(1);
    await db.query('DELETE FROM iap_outbox');
  });

  it('a running relay and an inbox consumer go on after every backend is terminated and after a restart', { timeout: 90_000 }, async () => {
    const outbox = createOutbox();
    const inbox = createInbox();
    const transport = createInProcessTransport();
    const applied: Array<{ key: string; n: number }> = [];
    transport.subscribe('orders', async (message) => {
      const result = await db.transaction((tx) => inbox.handle(tx, { consumer: 'faults', messageId: message.id }, (t) => t.query('INSERT INTO effects (message_id) VALUES ($1)', [message.id])));
      if (result.status === 'processed') applied.push({ key: message.partitionKey!, n: (message.envelope.data as { n: number }).n });
    });
    const relay = createRelay({ database: db, outbox, publisher: transport.publisher, leaseMs: 2_000, minPollIntervalMs: 10, maxPollIntervalMs: 100, retry: { backoff: { kind: 'constant', delayMs: 50 } } });
    const errors: string[] = [];
    relay.on('error', (e) => errors.push(e.error.code));
    relay.start();
    const write = async (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        for (;;) {
          try {
            await db.transaction((tx) => outbox.enqueue(tx, { destination: 'orders', envelope: createEnvelope({ type: 't', source: '/s', data: { n }, partitionKey: `k${n % 5}` }) }));
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 50)); // the database is coming back: write again
          }
        }
      }
    };
    await write(0, 100);
    await terminateAll();
    await write(100, 200);
    await cluster.restart();
    await write(200, 300);
    await waitFor(() => applied.length === 300, 'all 300 messages applied', 60_000);
    await relay.stop();
    expect((await outbox.stats(db)).pending).toBe(0);
    expect((await outbox.stats(db)).deadLetters).toBe(0);
    const count = async (sql: string): Promise<number> => Number(((await db.query(sql)).rows[0] as { n: string }).n);
    expect(await count('SELECT count(*) AS n FROM iap_outbox_leases')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM effects')).toBe(300);
    for (let k = 0; k < 5; k++) {
      const ns = applied.filter((a) => a.key === `k${k}`).map((a) => a.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
  });
});
