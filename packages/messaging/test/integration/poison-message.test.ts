/**
 * Poison message on real PostgreSQL: one message that always fails is dead-lettered after the
 * attempt cap, its key is unblocked, and no other key ever waits for it. The relay's clock is a
 * ManualClock (passed into the SQL), so "never delayed" is exact: every other message is published
 * while the clock stands still, before the poison's first backoff has elapsed.
 */
import { ManualClock, createEnvelope, seededRandom } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createOutbox, createRelay, migrate, type MessagingDatabase, type RelayEvents } from '../../src/index.js';
import { createPostgresDatabase } from '../../src/postgres.js';
import { dropSchema, randomSchema } from '../support/databases.js';
import { TestPublisher } from '../support/test-publisher.js';

const service = await requirePostgres();

describe.skipIf(!service.available)('poison message on PostgreSQL', () => {
  const schema = randomSchema();
  let db: MessagingDatabase;

  beforeAll(async () => {
    db = createPostgresDatabase({ connectionString: service.url, maxConnections: 4 });
    await migrate(db, { schema });
  });

  afterAll(async () => {
    await dropSchema(db, schema);
    await db.close();
  });

  it('is dead-lettered after the cap, unblocks its key, and never delays other keys', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const outbox = createOutbox({ schema, clock });
    const KEYS = 40;
    const PER_KEY = 10;
    // interleaved writes: round n writes message n of every key
    for (let n = 0; n < PER_KEY; n++) {
      await db.transaction((tx) =>
        outbox.enqueue(
          tx,
          Array.from({ length: KEYS }, (_, k) => ({ destination: 'orders', envelope: createEnvelope({ type: 'order.changed', source: '/orders', data: { n }, partitionKey: `key-${k}` }) })),
        ),
      );
    }
    const poison = await db.query(`SELECT message_id FROM "${schema}".iap_outbox WHERE partition_key = 'key-7' ORDER BY id OFFSET 2 LIMIT 1`);
    const poisonId = (poison.rows[0] as { message_id: string }).message_id;
    const publisher = new TestPublisher();
    publisher.failing.set(poisonId, { retryable: true });
    const relay = createRelay({
      database: db,
      outbox,
      publisher,
      clock,
      random: seededRandom(99),
      batchSize: 500,
      listen: false,
      metricsIntervalMs: 0,
      retry: { maxAttempts: 4, backoff: { kind: 'exponential', initialDelayMs: 1000, multiplier: 2 }, jitter: 'full' },
    });
    const retries: Array<RelayEvents['retry']> = [];
    const dead: Array<RelayEvents['deadLettered']> = [];
    relay.on('retry', (e) => retries.push(e));
    relay.on('deadLettered', (e) => dead.push(e));
    const drain = async (): Promise<void> => {
      while ((await relay.runOnce()).claimed > 0);
    };

    await drain();
    // the clock has not moved: every other key is complete, key-7 stopped at its poison message
    for (let k = 0; k < KEYS; k++) {
      expect(publisher.sequence(`key-${k}`)).toEqual(k === 7 ? [0, 1] : [...Array(PER_KEY).keys()]);
    }
    expect(retries).toHaveLength(1);

    // let the backoffs elapse; the poison is tried 4 times in total, then dead-lettered
    while (dead.length === 0) {
      clock.advance(retries[retries.length - 1]!.retryInMs);
      await drain();
    }
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ messageId: poisonId, partitionKey: 'key-7', attempt: 4 });
    // its key is unblocked: the rest of key-7 went out in the same drain
    expect(publisher.sequence('key-7')).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    expect(await outbox.stats(db)).toMatchObject({ pending: 0, deadLetters: 1 });
    const [letter] = await outbox.listDeadLetters(db);
    expect(letter).toMatchObject({ messageId: poisonId, attempts: 4 });
    await relay.stop();
  });
});
