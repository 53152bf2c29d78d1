/**
 * @iap/messaging: the orders service writes each order row and its event in ONE transaction
 * (outbox); a failed transaction takes its event with it. The relay publishes the events (here to
 * the in-process transport); the billing consumer applies each one exactly once through the inbox,
 * even when an acknowledgement is lost and the relay delivers the same message again.
 * Runs on PGlite (embedded), or on PostgreSQL when DATABASE_URL is set (own schema, dropped at the end).
 * Run: `pnpm --filter @iap-example/messaging-outbox example`.
 */
import { createEnvelope } from '@iap/core';
import { createInProcessTransport, createInbox, createOutbox, createRelay, migrate } from '@iap/messaging';
import { check } from './check.js';
import { openExampleDatabase } from './database.js';
import { waitFor } from './wait-for.js';

interface OrderPlaced {
  readonly orderId: string;
  readonly amountCents: number;
}

const database = await openExampleDatabase();
const { db, schema } = database;
console.log(`database: ${database.description}`);
const transport = createInProcessTransport();
try {
  await migrate(db, { schema });
  await db.query(`CREATE TABLE ${schema}.orders (id text PRIMARY KEY, amount_cents integer NOT NULL CHECK (amount_cents > 0))`);
  await db.query(`CREATE TABLE ${schema}.invoices (order_id text PRIMARY KEY, amount_cents integer NOT NULL)`);
  const outbox = createOutbox({ schema });
  const inbox = createInbox({ schema });

  // --- orders service: business row + event, one transaction --------------------------------
  const placeOrder = (order: OrderPlaced) =>
    db.transaction(async (tx) => {
      await outbox.enqueue(tx, {
        destination: 'orders',
        envelope: createEnvelope({ type: 'com.acme.order.placed', source: '/orders', subject: order.orderId, partitionKey: order.orderId, data: order }),
      });
      await tx.query(`INSERT INTO ${schema}.orders (id, amount_cents) VALUES ($1, $2)`, [order.orderId, order.amountCents]);
    });
  await placeOrder({ orderId: 'ORD-1', amountCents: 4_990 });
  await placeOrder({ orderId: 'ORD-2', amountCents: 12_000 });
  console.log('ORD-1, ORD-2: order row and event committed together');
  let rejected = false;
  try {
    await placeOrder({ orderId: 'ORD-3', amountCents: -5 }); // violates the CHECK after the event was enqueued
  } catch (error) {
    rejected = true;
    console.log(`ORD-3: the INSERT failed (${error instanceof Error ? error.message : String(error)}); the transaction rolled back, and its event with it`);
  }
  check(rejected, 'the invalid order is rejected by the database');
  const before = await outbox.stats(db);
  console.log(`outbox before the relay starts: ${before.pending} pending`);
  check(before.pending === 2, 'only the two committed orders have events');

  // --- billing service: apply each event once, through the inbox --------------------------------
  const applied: string[] = [];
  const skipped: string[] = [];
  let ackLost = false;
  transport.subscribe('orders', async (message) => {
    const order = message.envelope.data as OrderPlaced;
    const result = await db.transaction((tx) =>
      inbox.handle(tx, { consumer: 'billing', messageId: message.id }, async (tx) => {
        await tx.query(`INSERT INTO ${schema}.invoices (order_id, amount_cents) VALUES ($1, $2)`, [order.orderId, order.amountCents]);
        return order.orderId;
      }),
    );
    if (result.status === 'processed') {
      applied.push(result.value);
      console.log(`billing: invoice for ${result.value} written (message ${message.id.slice(0, 13)}…)`);
    } else {
      skipped.push(order.orderId);
      console.log(`billing: message ${message.id.slice(0, 13)}… for ${order.orderId} seen again; the inbox skipped it`);
    }
    if (order.orderId === 'ORD-2' && !ackLost) {
      ackLost = true; // the invoice is committed, but the acknowledgement never reaches the relay
      throw new Error('connection reset before the acknowledgement');
    }
  });

  // --- the relay: claim, publish outside any transaction, acknowledge -------------------------
  const relay = createRelay({
    database: db,
    outbox,
    publisher: transport.publisher,
    retry: { maxAttempts: 5, backoff: { kind: 'constant', delayMs: 50 }, jitter: 'none' },
    maxPollIntervalMs: 200,
  });
  relay.on('batch', (e) => console.log(`relay: claimed ${e.claimed}, published ${e.published}, retrying ${e.retried}`));
  relay.on('retry', (e) => console.log(`relay: message for ${e.partitionKey ?? '?'} failed (${e.error.message}); retry in ${e.retryInMs} ms`));
  relay.start();
  await waitFor('two invoices and one skipped redelivery', async () => applied.length === 2 && skipped.length === 1 && (await outbox.stats(db)).pending === 0);
  await relay.stop();

  const { rows } = await db.query(`SELECT order_id FROM ${schema}.invoices ORDER BY order_id`);
  const invoices = (rows as Array<{ order_id: string }>).map((r) => r.order_id);
  const after = await outbox.stats(db);
  console.log(`invoices: ${invoices.join(', ')}; outbox: ${after.pending} pending, ${after.deadLetters} dead letters`);
  check(JSON.stringify(invoices) === JSON.stringify(['ORD-1', 'ORD-2']), 'one invoice per committed order');
  check(JSON.stringify(skipped) === JSON.stringify(['ORD-2']), 'the redelivered ORD-2 event was skipped by the inbox');
  check(after.pending === 0 && after.deadLetters === 0, 'every event was published, none dead-lettered');
  console.log('\nmessaging-outbox: all checks passed');
} finally {
  await transport.close();
  await database.close();
}
