/**
 * The order service (a process of its own): for each incoming order it runs the place-order saga
 * (durable in PostgreSQL), then writes the order row and its event in ONE transaction (outbox). A
 * relay publishes the events to Kafka. Once everything is relayed it publishes one event a second
 * time, as a relay that crashed after publishing and before acknowledging would: billing must not
 * invoice it twice. Runs until SIGTERM / SIGINT, then stops gracefully.
 *
 * Env: DATABASE_URL (required), KAFKA_BROKERS (default 127.0.0.1:9092), ORDERS_SCHEMA (default
 * orders_service), ORDERS_TOPIC (default orders).
 * Run alone: `pnpm --filter @iap-example/two-services-order start`; normally started by examples/two-services.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createEnvelope, type Envelope } from '@iap/core';
import { createKafkaPublisher } from '@iap/kafka';
import { createKafkaJsTransport } from '@iap/kafka/kafkajs';
import { createOutbox, createRelay, migrate } from '@iap/messaging';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { createPostgresSagaStore } from '@iap/resilience/postgres';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { createPlaceOrderSaga, type OrderRequest } from './place-order-saga.js';
import { report, resolvedVersions } from './report.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('order-service: set DATABASE_URL');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
const schema = process.env.ORDERS_SCHEMA ?? 'orders_service';
const topic = process.env.ORDERS_TOPIC ?? 'orders';

// The orders this run receives (in a real service: HTTP requests).
const incoming: readonly OrderRequest[] = [
  { orderId: 'ORD-1', amountCents: 4_990, card: 'visa-4242' },
  { orderId: 'ORD-2', amountCents: 12_000, card: 'mc-5454' },
  { orderId: 'ORD-3', amountCents: 8_900, card: 'declined' },
  { orderId: 'ORD-4', amountCents: 1_500, card: 'visa-4242' },
];

const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
const db = createPostgresDatabase({ pool });
await migrate(db, { schema });
const sagaStore = createPostgresSagaStore({ pool, schema });
await sagaStore.migrate();
await db.query(`CREATE TABLE IF NOT EXISTS ${schema}.orders (id text PRIMARY KEY, status text NOT NULL, amount_cents integer NOT NULL)`);

const kafka = new Kafka({ clientId: 'order-service', brokers, logLevel: logLevel.NOTHING });
const publisher = createKafkaPublisher({ transport: createKafkaJsTransport({ kafka }) });
const outbox = createOutbox({ schema });
const relay = createRelay({ database: db, outbox, publisher, maxPollIntervalMs: 500 });
relay.on('batch', (e) => console.log(`relay: published ${e.published} of ${e.claimed} claimed to Kafka topic ${topic}`));
relay.on('retry', (e) => console.log(`relay: publish failed (${e.error.message}); retry in ${e.retryInMs} ms`));
relay.start();
// A real service keeps running because of its HTTP server; this one holds the event loop open itself.
const keepAlive = setInterval(() => undefined, 60_000);
report(`order-service up (schema ${schema}, topic ${topic}) with ${resolvedVersions(['@iap/core', '@iap/kafka', '@iap/messaging', '@iap/resilience'])}`, { kind: 'ready' });

const placeOrder = createPlaceOrderSaga(sagaStore);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('order-service: stopping (relay, publisher, database)');
  await relay.stop();
  await publisher.close();
  await placeOrder.close();
  await db.close();
  await pool.end();
  clearInterval(keepAlive);
  console.log('order-service: stopped');
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

const published: Envelope[] = [];
for (const order of incoming) {
  const result = await placeOrder.run(order, { sagaId: `order-${order.orderId}` });
  const confirmed = result.status === 'completed';
  const envelope = createEnvelope({
    type: confirmed ? 'com.acme.order.confirmed' : 'com.acme.order.cancelled',
    source: '/order-service',
    subject: order.orderId,
    partitionKey: order.orderId,
    data: confirmed ? { orderId: order.orderId, amountCents: order.amountCents } : { orderId: order.orderId, reason: result.error?.message ?? result.status },
  });
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO ${schema}.orders (id, status, amount_cents) VALUES ($1, $2, $3)`, [order.orderId, confirmed ? 'confirmed' : 'cancelled', order.amountCents]);
    await outbox.enqueue(tx, { destination: topic, envelope });
  });
  published.push(envelope);
  report(`${order.orderId}: saga ${result.status}; order row and ${envelope.type} committed in one transaction`, { kind: 'order', orderId: order.orderId, status: confirmed ? 'confirmed' : 'cancelled' });
}

while (!stopping && (await outbox.stats(db)).pending > 0) await delay(50);
if (!stopping) {
  report('every outbox row is published and acknowledged', { kind: 'relayed' });
  const first = published[0];
  if (first) {
    const [result] = await publisher.publish([{ id: first.id, destination: topic, partitionKey: first.partitionKey, headers: {}, envelope: first }]);
    if (!result?.ok) throw new Error('order-service: the duplicate publish was not acknowledged by Kafka');
    report(`${first.subject ?? '?'}: its event published AGAIN (as after a relay crash before the acknowledgement)`, { kind: 'duplicate-published', orderId: first.subject ?? '' });
  }
}
