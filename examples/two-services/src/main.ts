/**
 * Two services, two processes, one real Kafka broker and one PostgreSQL:
 *
 *   order-service  (examples/two-services-order)    saga → order row + event in one transaction → relay → Kafka
 *   billing-service (examples/two-services-billing) Kafka → consumer (zod schemas) → inbox → invoice, exactly once
 *
 * Each service is its own private workspace package that pins its own @iap versions. This runner
 * creates the topic, starts billing, then orders (each with its own schema), waits (polling, with a
 * deadline) until billing has invoiced every confirmed order exactly once and skipped the event the
 * order service published twice, stops both with SIGTERM, checks the databases, and drops the
 * schemas and topics. Without PostgreSQL or Kafka it says so and exits 0 (1 when IAP_REQUIRE_SERVICES=1).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), KAFKA_BROKERS (default 127.0.0.1:9092).
 * Run: `pnpm --filter @iap-example/two-services example`.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ensureTopics } from '@iap/kafka';
import { createKafkaJsTransport } from '@iap/kafka/kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { check } from './check.js';
import { startService, type ServiceProcess } from './service-process.js';
import { missingServices } from './services-available.js';
import { waitFor } from './wait-for.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
const missing = await missingServices(databaseUrl, brokers);
if (missing.length > 0) {
  const required = process.env.IAP_REQUIRE_SERVICES === '1';
  console.log(`two-services: needs PostgreSQL and Kafka; not reachable: ${missing.join(', ')}; ${required ? 'failing because IAP_REQUIRE_SERVICES=1' : 'skipped'}`);
  process.exit(required ? 1 : 0);
}

const runId = randomUUID().slice(0, 8);
const ordersSchema = `iap_orders_${runId}`;
const billingSchema = `iap_billing_${runId}`;
const topic = `iap-two-services-orders-${runId}`;
const expectedInvoices = ['ORD-1', 'ORD-2', 'ORD-4']; // ORD-3's card is declined: its saga is compensated, nothing to bill
const say = (line: string) => console.log(`${'[runner]'.padEnd(10)} ${line}`);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const kafka = new Kafka({ clientId: `iap-two-services-runner-${runId}`, brokers, logLevel: logLevel.NOTHING });
const { topics } = await ensureTopics({ transport: createKafkaJsTransport({ kafka }), topics: [topic], partitions: 3 });
say(`topics ${topics.join(', ')}; schemas ${ordersSchema} (orders) and ${billingSchema} (billing)`);

const entry = (service: string) => fileURLToPath(new URL(`../../${service}/src/main.ts`, import.meta.url));
const shared = { DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers.join(','), ORDERS_TOPIC: topic };
const services: ServiceProcess[] = [];
const invoicesPerOrder = async (): Promise<Array<{ order_id: string; n: number }>> => {
  const { rows } = await pool.query<{ order_id: string; n: number }>(`SELECT order_id, count(*)::int AS n FROM ${billingSchema}.invoices GROUP BY order_id ORDER BY order_id`);
  return rows;
};

try {
  const billing = startService('billing', entry('two-services-billing'), { ...shared, BILLING_SCHEMA: billingSchema, BILLING_GROUP_ID: `iap-two-services-billing-${runId}` });
  services.push(billing);
  await billing.waitForReport('ready', 60_000);
  const order = startService('order', entry('two-services-order'), { ...shared, ORDERS_SCHEMA: ordersSchema });
  services.push(order);

  await waitFor(
    'billing to invoice every confirmed order and skip the redelivered event',
    async () => {
      for (const service of services) if (service.exit !== undefined) throw new Error(`${service.name} exited early (${service.exit}); see its output above`);
      if (!billing.reports.some((r) => r.kind === 'duplicate-skipped')) return false;
      return (await invoicesPerOrder()).length === expectedInvoices.length;
    },
    90_000,
  );
  say('billing caught up; stopping both services with SIGTERM');
  const [orderExit, billingExit] = await Promise.all([order.stop(15_000), billing.stop(15_000)]);
  say(`order-service exited with ${orderExit}, billing-service with ${billingExit}`);
  check(orderExit === 0 && billingExit === 0, 'both services stop gracefully on SIGTERM');

  // --- what the databases say --------------------------------------------------------------------
  const invoices = await invoicesPerOrder();
  const { rows: orders } = await pool.query<{ id: string; status: string }>(`SELECT id, status FROM ${ordersSchema}.orders ORDER BY id`);
  const { rows: inbox } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${billingSchema}.iap_inbox`);
  const { rows: outbox } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ordersSchema}.iap_outbox`);
  const duplicate = billing.reports.find((r) => r.kind === 'duplicate-skipped');
  say(`orders: ${orders.map((o) => `${o.id} ${o.status}`).join(', ')}`);
  say(`invoices: ${invoices.map((i) => `${i.order_id} ×${i.n}`).join(', ')}; inbox holds ${inbox[0]?.n ?? 0} message ids; outbox rows left: ${outbox[0]?.n ?? '?'}`);
  say(`the event for ${duplicate?.orderId ?? '?'} reached billing twice and was applied once`);
  check(JSON.stringify(invoices) === JSON.stringify(expectedInvoices.map((id) => ({ order_id: id, n: 1 }))), 'exactly one invoice per confirmed order');
  check(orders.length === 4 && orders.find((o) => o.id === 'ORD-3')?.status === 'cancelled', 'four orders, ORD-3 cancelled by its saga');
  check(inbox[0]?.n === 4, 'the inbox recorded each of the four events once');
  check(outbox[0]?.n === 0, 'every outbox row was relayed and acknowledged');
  console.log('\ntwo-services: all checks passed');
} finally {
  await Promise.all(services.map((s) => s.stop(5_000)));
  await pool.query(`DROP SCHEMA IF EXISTS ${ordersSchema} CASCADE`);
  await pool.query(`DROP SCHEMA IF EXISTS ${billingSchema} CASCADE`);
  await pool.end();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  await admin.disconnect();
  say('schemas and topics dropped');
}
