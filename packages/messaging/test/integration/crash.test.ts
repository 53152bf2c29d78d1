/**
 * Crash test on real PostgreSQL: concurrent writers, three relay processes publishing to a recording
 * consumer, relays killed with SIGKILL at seeded points of progress and restarted. Checks: zero
 * messages lost, per-key order preserved at the consumer, duplicates only re-sends of the message in
 * flight at a kill, and the inbox removes all of them.
 *
 * CI size: 5,000 messages over 100 keys, 4 kills. IAP_SOAK=1: 50,000 messages over 500 keys, 12 kills.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnvelope, seededRandom } from '@iap/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createInbox, createOutbox, migrate, type MessagingDatabase } from '../../src/index.js';
import { createPostgresDatabase } from '../../src/postgres.js';
import { dropSchema, randomSchema } from '../support/databases.js';
import { waitFor } from '../support/wait-for.js';

const service = await requirePostgres();
const soak = process.env.IAP_SOAK === '1';
const TOTAL = soak ? 50_000 : 5_000;
const KEYS = soak ? 500 : 100;
const KILLS = soak ? 12 : 4;
const WRITERS = 4;
const RELAYS = 3;
const BATCH = 100;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(packageDir, 'test', 'integration', 'fixtures', 'crash-relay.ts');

describe.skipIf(!service.available)(`crash test on PostgreSQL (${TOTAL} messages, ${KEYS} keys, ${RELAYS} relays, ${KILLS} SIGKILLs)`, () => {
  const schema = randomSchema();
  let pool: pg.Pool;
  let db: MessagingDatabase;
  const children = new Set<ChildProcess>();
  const relayIds = new Map<ChildProcess, string>();
  let spawned = 0;

  function spawnRelay(): ChildProcess {
    const relayId = `crash-relay-${spawned++}`;
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      cwd: packageDir,
      env: { ...process.env, DATABASE_URL: service.url, SCHEMA: schema, RELAY_ID: relayId, BATCH_SIZE: String(BATCH) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    relayIds.set(child, relayId);
    child.once('exit', () => children.delete(child));
    return child;
  }

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: service.url, max: WRITERS + 4 });
    db = createPostgresDatabase({ pool });
    await migrate(db, { schema });
    await pool.query(`CREATE TABLE "${schema}".received (seq bigserial PRIMARY KEY, message_id text NOT NULL, partition_key text, n int NOT NULL, relay text NOT NULL)`);
    await pool.query(`CREATE TABLE "${schema}".effects (message_id text PRIMARY KEY)`);
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await dropSchema(db, schema);
    await db.close();
    await pool.end();
  });

  it('loses nothing, keeps per-key order, and the inbox removes every duplicate', { timeout: soak ? 1_200_000 : 120_000 }, async () => {
    const random = seededRandom(5150);
    const outbox = createOutbox({ schema });
    for (let i = 0; i < RELAYS; i++) spawnRelay();

    // writers own disjoint key sets and number each key's messages 0, 1, 2, ...
    const perWriter = TOTAL / WRITERS;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      const keys = Array.from({ length: KEYS / WRITERS }, (_, i) => `key-${writer + i * WRITERS}`);
      const next = new Map(keys.map((k) => [k, 0]));
      const writerRandom = seededRandom(1000 + writer);
      let written = 0;
      while (written < perWriter) {
        const size = Math.min(perWriter - written, 1 + Math.floor(writerRandom() * 8));
        const messages = Array.from({ length: size }, () => {
          const key = keys[Math.floor(writerRandom() * keys.length)]!;
          const n = next.get(key)!;
          next.set(key, n + 1);
          return { destination: 'crash', envelope: createEnvelope({ type: 'crash.test', source: '/crash', data: { n }, partitionKey: key }) };
        });
        await db.transaction((tx) => outbox.enqueue(tx, messages));
        written += size;
      }
    });

    // kill a random relay at seeded points of progress, and start a replacement at once
    const received = async (): Promise<number> => Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".received`)).rows[0].n);
    let kills = 0;
    const killed = new Set<string>();
    const killer = (async () => {
      for (let k = 0; k < KILLS; k++) {
        const threshold = Math.floor(((k + 1) / (KILLS + 1)) * TOTAL * (0.8 + random() * 0.2));
        await waitFor(async () => (await received()) >= threshold, `${threshold} deliveries`, 300_000);
        const victims = [...children];
        const victim = victims[Math.floor(random() * victims.length)]!;
        victim.kill('SIGKILL');
        killed.add(relayIds.get(victim)!);
        kills++;
        spawnRelay();
      }
    })();

    await Promise.all(writers);
    await killer;
    await waitFor(async () => (await outbox.stats(db)).pending === 0, 'the outbox to drain', soak ? 600_000 : 90_000);
    // graceful stop of the survivors
    await Promise.all(
      [...children].map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );

    const stats = await outbox.stats(db);
    expect(stats).toMatchObject({ pending: 0, deadLetters: 0 });
    expect(kills).toBe(KILLS);

    // the consumer: read deliveries in arrival order, apply each through the inbox
    const deliveries = (await pool.query<{ message_id: string; partition_key: string; n: number; relay: string }>(`SELECT message_id, partition_key, n, relay FROM "${schema}".received ORDER BY seq`)).rows;
    const inbox = createInbox({ schema });
    let processed = 0;
    let skipped = 0;
    for (let start = 0; start < deliveries.length; start += 500) {
      await db.transaction(async (tx) => {
        for (const delivery of deliveries.slice(start, start + 500)) {
          const result = await inbox.handle(tx, { consumer: 'crash-test', messageId: delivery.message_id }, (t) =>
            t.query(`INSERT INTO "${schema}".effects (message_id) VALUES ($1)`, [delivery.message_id]),
          );
          if (result.status === 'processed') processed++;
          else skipped++;
        }
      });
    }

    // zero lost, every effect exactly once
    expect(new Set(deliveries.map((d) => d.message_id)).size).toBe(TOTAL);
    expect(processed).toBe(TOTAL);
    expect(Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".effects`)).rows[0].n)).toBe(TOTAL);
    const duplicates = deliveries.length - TOTAL;
    expect(skipped).toBe(duplicates);
    // duplicates only from batches in flight at a kill: a relay (2 slots, claiming up to 2 batches
    // ahead) has at most 3 batches published or being published whose acknowledgement has not
    // committed; the first delivery of every duplicated message came from a relay that was then killed
    expect(duplicates).toBeLessThanOrEqual(kills * BATCH * 3);
    const firstRelay = new Map<string, string>();
    for (const d of deliveries) {
      const first = firstRelay.get(d.message_id);
      if (first === undefined) firstRelay.set(d.message_id, d.relay);
      else expect(killed.has(first), `message ${d.message_id} was first published by ${first}, which was not killed`).toBe(true);
    }

    // per key: 0, 1, 2, ... in order; a duplicate can only repeat the message just delivered
    const lastByKey = new Map<string, number>();
    for (const d of deliveries) {
      const last = lastByKey.get(d.partition_key) ?? -1;
      expect(d.n === last + 1 || d.n === last, `key ${d.partition_key}: ${d.n} after ${last}`).toBe(true);
      lastByKey.set(d.partition_key, d.n);
    }
    console.log(`[crash test] ${TOTAL} messages, ${deliveries.length} deliveries, ${duplicates} duplicates removed by the inbox, ${kills} SIGKILLs, ${spawned} relay processes`);
  });
});
