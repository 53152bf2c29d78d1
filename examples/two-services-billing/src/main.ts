/**
 * The billing service (a process of its own): consumes order events from Kafka, validated by zod
 * schemas per type and version, and invoices each confirmed order exactly once: the inbox records
 * the message id in the same PostgreSQL transaction as the invoice, so a redelivered event is
 * skipped (the invoices table has no unique constraint on purpose: the inbox is what prevents a
 * second invoice). Runs until SIGTERM / SIGINT, then closes the consumer (commit, leave the group).
 *
 * Env: DATABASE_URL (required), KAFKA_BROKERS (default 127.0.0.1:9092), BILLING_SCHEMA (default
 * billing_service), ORDERS_TOPIC (default orders), BILLING_GROUP_ID (default billing).
 * Run alone: `pnpm --filter @iap-example/two-services-billing start`; normally started by examples/two-services.
 */
import { createConsumer } from '@iap/kafka';
import { createKafkaJsTransport } from '@iap/kafka/kafkajs';
import { createInbox, migrate } from '@iap/messaging';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { orderEventSchemas } from './order-events.js';
import { report, resolvedVersions } from './report.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('billing-service: set DATABASE_URL');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
const schema = process.env.BILLING_SCHEMA ?? 'billing_service';
const topic = process.env.ORDERS_TOPIC ?? 'orders';
const groupId = process.env.BILLING_GROUP_ID ?? 'billing';

const db = createPostgresDatabase({ connectionString: databaseUrl, maxConnections: 4 });
await migrate(db, { schema });
await db.query(`CREATE TABLE IF NOT EXISTS ${schema}.invoices (id bigserial PRIMARY KEY, order_id text NOT NULL, amount_cents integer NOT NULL)`);
const inbox = createInbox({ schema });

const kafka = new Kafka({ clientId: 'billing-service', brokers, logLevel: logLevel.NOTHING });
const consumer = createConsumer({
  transport: createKafkaJsTransport({ kafka }),
  groupId,
  topics: [topic],
  fromBeginning: true,
  schemas: orderEventSchemas,
  idempotencyStore: false, // deduplication happens in the inbox, in the same transaction as the invoice
  shutdownSignals: [], // this service closes the consumer itself, then the database
  handler: async (event, context) => {
    const result = await db.transaction((tx) =>
      inbox.handle(tx, { consumer: 'billing', messageId: event.id }, async (tx) => {
        if (event.type === 'com.acme.order.confirmed') {
          await tx.query(`INSERT INTO ${schema}.invoices (order_id, amount_cents) VALUES ($1, $2)`, [event.data.orderId, event.data.amountCents]);
          return 'invoiced';
        }
        return 'nothing to bill';
      }),
    );
    const where = `partition ${context.partition}, offset ${context.offset}`;
    if (result.status === 'processed') {
      const line = result.value === 'invoiced' ? `invoice written for ${event.data.orderId}` : `${event.data.orderId} was cancelled: nothing to bill`;
      report(`${line} (${where})`, { kind: result.value === 'invoiced' ? 'invoiced' : 'not-billed', orderId: event.data.orderId, messageId: event.id });
    } else {
      report(`${event.data.orderId}: message ${event.id.slice(0, 13)}… delivered again (${where}); the inbox skipped it`, { kind: 'duplicate-skipped', orderId: event.data.orderId, messageId: event.id });
    }
  },
});
consumer.events.on('deadLettered', (e) => console.log(`dead-lettered ${e.topic}[${e.partition}]@${e.offset}: ${e.error.message}`));
consumer.events.on('error', (e) => console.log(`consumer error: ${e.error.message}`));
await consumer.start();
report(`billing-service up (schema ${schema}, group ${groupId}, topic ${topic}) with ${resolvedVersions(['@iap/kafka', '@iap/messaging'])}`, { kind: 'ready' });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('billing-service: stopping (consumer, database)');
  await consumer.close();
  await db.close();
  console.log('billing-service: stopped');
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
