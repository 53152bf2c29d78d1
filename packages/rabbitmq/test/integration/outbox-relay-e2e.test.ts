import { randomUUID } from 'node:crypto';
import { createEnvelope, type Envelope } from '@iap/core';
import { createOutbox, createRelay, migrate, type MessagingDatabase } from '@iap/messaging';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../../scripts/testing/fault-proxy.js';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createAmqplibTransport } from '../../src/amqplib.js';
import { createRabbitMqPublisher, decodeAmqpMessage, ensureTopology } from '../../src/index.js';
import { createRabbitKit, requireRabbitMq, waitFor, type RabbitKit } from './support/rabbit-kit.js';

const rabbit = await requireRabbitMq();
const postgres = await requirePostgres();

/**
 * The outbox (PostgreSQL) -> relay -> RabbitMQ path, with the relay's connection to the broker cut
 * twice while it publishes: every event written reaches the quorum queue (at least once), and per
 * partition key the first copies arrive in the order they were written.
 */
describe.skipIf(!rabbit.available || !postgres.available)('outbox relay to RabbitMQ end to end (PostgreSQL + real broker)', () => {
  let kit: RabbitKit;
  let db: MessagingDatabase;
  let proxy: FaultProxy;
  const schema = `iap_rabbitmq_e2e_${randomUUID().slice(0, 8)}`;
  const tables = { schema };
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    kit = createRabbitKit();
    db = createPostgresDatabase({ connectionString: postgres.url, maxConnections: 4 });
    await migrate(db, tables);
    const url = new URL(rabbit.url);
    proxy = await startFaultProxy({ upstream: { host: url.hostname, port: Number(url.port || 5672) } });
  });
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await proxy.close();
    await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await db.close();
    await kit.cleanup();
  });

  it('publishes every outbox event (0 lost) in per-key order through dropped connections', async () => {
    const exchange = kit.name('orders');
    const queue = kit.name('billing');
    const topology = await ensureTopology({ transport: createAmqplibTransport({ url: rabbit.url }), exchanges: [{ name: exchange }], queues: [{ name: queue, bindings: [{ exchange, routingKey: 'order.#' }] }] });
    for (const name of topology.queues) kit.forget('queue', name);
    for (const name of topology.exchanges) kit.forget('exchange', name);

    const url = new URL(rabbit.url);
    url.host = proxy.address;
    const publisher = createRabbitMqPublisher({ transport: createAmqplibTransport({ url: url.toString(), closeTimeoutMs: 500 }), confirmTimeoutMs: 5_000 });
    cleanup.push(() => publisher.close());
    const outbox = createOutbox(tables);
    const relay = createRelay({ database: db, outbox, publisher, retry: { backoff: { kind: 'constant', delayMs: 50 }, jitter: 'none' } });
    cleanup.push(() => relay.stop());
    relay.start();

    const events: Envelope[] = [];
    const keys = 8;
    for (let n = 0; n < 300; n++) events.push(createEnvelope({ type: 'order.placed', source: '/orders', data: { n }, partitionKey: `customer-${n % keys}` }));
    const received: Envelope[] = [];
    const seen = new Set<string>();
    const collect = async () => {
      for (const m of await kit.drain(queue)) {
        const envelope = decodeAmqpMessage({ content: m.content, properties: m.properties });
        received.push(envelope);
        seen.add(envelope.id);
      }
      return seen.size;
    };
    for (let start = 0; start < events.length; start += 30) {
      await db.transaction((tx) => outbox.enqueue(tx, events.slice(start, start + 30).map((envelope) => ({ destination: exchange, envelope }))));
      if (start === 90 || start === 210) await proxy.cutAll(); // the relay's connection dies mid-run
    }
    await waitFor(async () => (await collect()) === events.length, 30_000, `${events.length} events in the queue (have ${seen.size})`);

    for (const e of events) expect(seen.has(e.id)).toBe(true);
    for (let k = 0; k < keys; k++) {
      const written = events.filter((e) => e.partitionKey === `customer-${k}`).map((e) => e.id);
      const firstCopies: string[] = [];
      const once = new Set<string>();
      for (const r of received) {
        if (r.partitionKey !== `customer-${k}` || once.has(r.id)) continue;
        once.add(r.id);
        firstCopies.push(r.id);
      }
      expect(firstCopies).toEqual(written);
    }
    await waitFor(async () => (await outbox.stats(db)).pending === 0, 10_000, 'the outbox to be empty');
    console.log(`[rabbitmq e2e] ${events.length} written, ${seen.size} distinct received, ${received.length - seen.size} duplicates after 2 connection cuts`);
  });
});
