import { randomUUID } from 'node:crypto';
import { createEnvelope, type Envelope } from '@iap/core';
import { createInbox, createOutbox, createRelay, migrate, type MessagingDatabase } from '@iap/messaging';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireKafka, requirePostgres } from '../../../../scripts/testing/services.js';
import { createConsumer, createKafkaPublisher, type KafkaConsumer, type KafkaPublisher } from '../../src/index.js';
import { createKafkaKit, waitFor, type KafkaKit } from './support/kafka-kit.js';

const kafkaService = await requireKafka();
const postgresService = await requirePostgres();

/**
 * The whole path: a business transaction writes an order and its event to the outbox (PostgreSQL),
 * the relay publishes through the Kafka publisher, the consumer runner decodes and validates it and
 * applies the payment through the messaging inbox in the payment's own transaction. A duplicate
 * publish (what a relay does after a crash between publish and ack) changes nothing.
 */
describe.skipIf(!kafkaService.available || !postgresService.available)('outbox relay to Kafka end to end (PostgreSQL + real broker)', () => {
  let kit: KafkaKit;
  let db: MessagingDatabase;
  const schema = `iap_kafka_e2e_${randomUUID().slice(0, 8)}`;
  const tables = { schema };
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    kit = createKafkaKit(kafkaService.brokers);
    db = createPostgresDatabase({ connectionString: postgresService.url, maxConnections: 4 });
    await migrate(db, tables);
    await db.query(`CREATE TABLE ${schema}.orders (id text PRIMARY KEY, total numeric NOT NULL)`);
    await db.query(`CREATE TABLE ${schema}.payments (order_id text PRIMARY KEY REFERENCES ${schema}.orders (id), amount numeric NOT NULL, event_id text NOT NULL, traceparent text)`);
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await db.close();
    await kit.cleanup();
  });

  it('delivers every outbox event to the handler exactly once, in per-key order, with its trace context', async () => {
    const topic = kit.name('orders');
    await kit.createTopics([topic], { partitions: 3 });

    const outbox = createOutbox(tables);
    const inbox = createInbox(tables);
    const publisher: KafkaPublisher = createKafkaPublisher({ transport: kit.transport });
    cleanup.push(() => publisher.close());
    const relay = createRelay({ database: db, outbox, publisher });
    cleanup.push(() => relay.stop());
    relay.start();

    const applied: Array<{ status: string; id: string; key: string | undefined }> = [];
    const consumer: KafkaConsumer = createConsumer({
      transport: kit.transport,
      groupId: kit.name('billing'),
      topics: [topic],
      fromBeginning: true,
      shutdownSignals: [],
      maxWaitTimeMs: 100,
      idempotencyStore: false, // the inbox deduplicates, in the same transaction as the effect
      schemas: { 'order.placed': { '1': z.object({ orderId: z.string(), total: z.number() }) } },
      handler: async (event, context) => {
        const result = await db.transaction((tx) =>
          inbox.handle(tx, { consumer: 'billing', messageId: event.id }, async (inner) => {
            await inner.query(`INSERT INTO ${schema}.payments (order_id, amount, event_id, traceparent) VALUES ($1, $2, $3, $4)`, [event.data.orderId, event.data.total, event.id, event.traceparent ?? null]);
          }),
        );
        applied.push({ status: result.status, id: event.id, key: context.key?.toString() });
      },
    });
    cleanup.push(() => consumer.close());
    await consumer.start();

    // business transactions: the order row and its event commit together
    const events: Envelope[] = [];
    for (let n = 0; n < 30; n++) {
      const orderId = `o-${n}`;
      const event = createEnvelope({
        type: 'order.placed',
        source: '/orders',
        data: { orderId, total: 10 + n },
        partitionKey: `customer-${n % 4}`,
        traceparent: `00-${randomUUID().replaceAll('-', '')}-00f067aa0ba902b7-01`,
      });
      events.push(event);
      await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.orders (id, total) VALUES ($1, $2)`, [orderId, 10 + n]);
        await outbox.enqueue(tx, { destination: topic, envelope: event });
      });
    }

    await waitFor(() => applied.length === events.length, 60_000, `${events.length} payments (have ${applied.length})`);
    const rows = (await db.query(`SELECT order_id, amount, event_id, traceparent FROM ${schema}.payments ORDER BY order_id`)).rows as Array<{ order_id: string; amount: string; event_id: string; traceparent: string | null }>;
    expect(rows).toHaveLength(events.length);
    const byOrder = new Map(events.map((e) => [(e.data as { orderId: string }).orderId, e]));
    for (const row of rows) {
      const event = byOrder.get(row.order_id)!;
      expect(row.event_id).toBe(event.id);
      expect(Number(row.amount)).toBe((event.data as { total: number }).total);
      expect(row.traceparent).toBe(event.traceparent);
    }
    // per partition key, the handler saw the events in the order they were written
    for (let k = 0; k < 4; k++) {
      const expected = events.filter((e) => e.partitionKey === `customer-${k}`).map((e) => e.id);
      expect(applied.filter((a) => a.key === `customer-${k}`).map((a) => a.id)).toEqual(expected);
    }

    // a duplicate publish of an already-applied event: the inbox skips it, nothing changes
    const duplicate = events[7]!;
    const [result] = await publisher.publish([{ id: duplicate.id, destination: topic, partitionKey: duplicate.partitionKey, headers: {}, envelope: duplicate }]);
    expect(result!.ok).toBe(true);
    await waitFor(() => applied.length === events.length + 1, 30_000, 'the duplicate to reach the handler');
    expect(applied.at(-1)).toMatchObject({ status: 'skipped', id: duplicate.id });
    const count = (await db.query(`SELECT count(*)::text AS n FROM ${schema}.payments`)).rows as Array<{ n: string }>;
    expect(count[0]!.n).toBe(String(events.length));
    const stats = await outbox.stats(db);
    expect(stats).toMatchObject({ pending: 0 });
  });
});
