/**
 * Where the demo runs: embedded defaults (PGlite, in-process transport) or real services when
 * DATABASE_URL / KAFKA_BROKERS are set. The chapters never know which: that is the point.
 */
import { randomUUID } from 'node:crypto';
import type { Envelope, Publisher } from '@iap/core';
import { createConsumer, createKafkaPublisher, ensureTopics } from '@iap/kafka';
import { createKafkaJsTransport } from '@iap/kafka/kafkajs';
import { createInProcessTransport, migrate, type MessagingDatabase } from '@iap/messaging';
import { createPgliteDatabase } from '@iap/messaging/pglite';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { createSqlSagaStore, type SqlSagaStore } from '@iap/resilience/postgres';
import { Kafka, logLevel } from 'kafkajs';

/** A subscriber callback: receives each delivered envelope with its message id. */
export type DeliveryHandler = (messageId: string, envelope: Envelope) => Promise<void>;

/** The demo's infrastructure, embedded or real. */
export interface DemoEnvironment {
  readonly description: string;
  /** The one database (one pool, or one PGlite instance) for business rows, outbox, inbox and saga store. */
  readonly db: MessagingDatabase;
  /** Schema holding the demo's tables (a fresh one per run on a real PostgreSQL). */
  readonly schema: string;
  readonly sagaStore: SqlSagaStore;
  /** Where the relay publishes. */
  readonly publisher: Publisher;
  /** Topic / destination of order events. */
  readonly ordersTopic: string;
  /** Starts delivering published order events to `handler`. */
  subscribe(handler: DeliveryHandler): Promise<void>;
  close(): Promise<void>;
}

export async function createDemoEnvironment(): Promise<DemoEnvironment> {
  const databaseUrl = process.env.DATABASE_URL;
  const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  const runId = randomUUID().slice(0, 8);
  const closers: Array<() => Promise<void>> = [];

  // one database for everything: the outbox, the inbox, the saga store and the business tables share
  // one pool (or one PGlite instance), so a business write and its outbox row commit together
  let db: MessagingDatabase;
  let schema = 'public';
  let dbDescription: string;
  if (databaseUrl) {
    schema = `iap_demo_${runId}`;
    db = createPostgresDatabase({ connectionString: databaseUrl, maxConnections: 4 });
    closers.push(async () => {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });
    dbDescription = `PostgreSQL (DATABASE_URL, schema ${schema}, one pool)`;
  } else {
    db = await createPgliteDatabase();
    dbDescription = 'PGlite (embedded PostgreSQL, in memory, one instance)';
  }
  closers.push(() => db.close());
  const sagaStore = createSqlSagaStore({ database: db, schema });
  await migrate(db, { schema });
  await sagaStore.migrate();
  await db.query(`CREATE TABLE IF NOT EXISTS ${schema}.orders (id text PRIMARY KEY, status text NOT NULL, amount_cents integer NOT NULL)`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${schema}.invoices (order_id text PRIMARY KEY, amount_cents integer NOT NULL)`);

  if (brokers && brokers.length > 0) {
    const kafka = new Kafka({ clientId: `iap-demo-${runId}`, brokers, logLevel: logLevel.NOTHING });
    const transport = createKafkaJsTransport({ kafka });
    const ordersTopic = `iap-demo-orders-${runId}`;
    await ensureTopics({ transport, topics: [ordersTopic], partitions: 3 });
    const publisher = createKafkaPublisher({ transport });
    let consumer: ReturnType<typeof createConsumer> | undefined;
    return {
      description: `${dbDescription}; Apache Kafka at ${brokers.join(',')} (topic ${ordersTopic})`,
      db,
      schema,
      sagaStore,
      publisher,
      ordersTopic,
      async subscribe(handler) {
        consumer = createConsumer({
          transport,
          groupId: `iap-demo-billing-${runId}`,
          topics: [ordersTopic],
          fromBeginning: true,
          idempotencyStore: false, // the billing handler deduplicates with the inbox, in its own transaction
          shutdownSignals: [],
          handler: (event) => handler(event.id, event),
        });
        await consumer.start();
      },
      async close() {
        await consumer?.close();
        await publisher.close();
        for (const close of closers) await close();
      },
    };
  }

  const transport = createInProcessTransport();
  const ordersTopic = 'orders';
  return {
    description: `${dbDescription}; in-process transport (non-durable)`,
    db,
    schema,
    sagaStore,
    publisher: transport.publisher,
    ordersTopic,
    subscribe(handler) {
      transport.subscribe(ordersTopic, (message) => handler(message.id, message.envelope));
      return Promise.resolve();
    },
    async close() {
      await transport.close();
      for (const close of closers) await close();
    },
  };
}
