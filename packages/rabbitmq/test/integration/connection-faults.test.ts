import { createEnvelope, type PublishMessage, type PublishResult } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../../scripts/testing/fault-proxy.js';
import { createAmqplibTransport } from '../../src/amqplib.js';
import { RabbitMqErrorCode, createRabbitMqPublisher, type RabbitMqPublisher } from '../../src/index.js';
import { createRabbitKit, requireRabbitMq, type RabbitKit } from './support/rabbit-kit.js';

const rabbit = await requireRabbitMq();

function batch(exchange: string, count: number, tag: string): PublishMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const envelope = createEnvelope({ type: 'order.placed', source: '/orders', data: { tag, i, padding: 'x'.repeat(512) } });
    return { id: envelope.id, destination: exchange, headers: {}, envelope };
  });
}

/** Publishes, retrying the failed messages as the relay does, until every one is confirmed. */
async function publishUntilConfirmed(publisher: RabbitMqPublisher, messages: readonly PublishMessage[], failures: PublishResult[]): Promise<void> {
  let left = [...messages];
  for (let attempt = 0; left.length > 0; attempt++) {
    if (attempt > 20) throw new Error(`${left.length} messages still unconfirmed after 20 attempts`);
    const results = await publisher.publish(left);
    failures.push(...results.filter((r) => !r.ok));
    const failed = new Set(results.filter((r) => !r.ok).map((r) => r.id));
    left = left.filter((m) => failed.has(m.id));
  }
}

describe.skipIf(!rabbit.available)('RabbitMQ publisher under connection faults (TCP fault proxy)', () => {
  let kit: RabbitKit;
  let proxy: FaultProxy;

  beforeAll(async () => {
    kit = createRabbitKit();
    const url = new URL(rabbit.url);
    proxy = await startFaultProxy({ upstream: { host: url.hostname, port: Number(url.port || 5672) } });
  });
  afterAll(async () => {
    await proxy.close();
    await kit.cleanup();
  });

  const viaProxy = (confirmTimeoutMs = 5_000) => {
    const url = new URL(rabbit.url);
    url.host = proxy.address;
    return createRabbitMqPublisher({ transport: createAmqplibTransport({ url: url.toString(), closeTimeoutMs: 500, connectTimeoutMs: 2_000 }), confirmTimeoutMs });
  };

  it('a connection dropped mid-publish fails the unconfirmed messages (retryable), reconnects on the next publish, and reports nothing published that the broker does not hold', async () => {
    const exchange = kit.name('cut');
    const queue = kit.name('cut-q');
    await kit.exchange(exchange);
    await kit.queue(queue, { exchange, routingKey: '#' });
    const publisher = viaProxy();
    try {
      await publisher.connect();
      const messages = batch(exchange, 2_000, 'cut');
      const first = publisher.publish(messages);
      // cut while the batch is being written and confirmed
      await proxy.waitForConnections((n) => n > 0);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await proxy.cutAll();
      const results = await first;
      const confirmed = results.filter((r) => r.ok).map((r) => r.id);
      const failed = results.filter((r) => !r.ok);
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) expect(f).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_CONNECTION } });

      // every message reported published is held by the broker
      const heldAfterCut = new Set((await kit.drain(queue)).map((m) => m.properties.messageId as string));
      for (const id of confirmed) expect(heldAfterCut.has(id)).toBe(true);

      // the relay retries the failed ones: the next publish reconnects, and then everything is held
      const retryFailures: PublishResult[] = [];
      const failedIds = new Set(failed.map((f) => f.id));
      await publishUntilConfirmed(publisher, messages.filter((m) => failedIds.has(m.id)), retryFailures);
      const held = new Set([...heldAfterCut, ...(await kit.drain(queue)).map((m) => m.properties.messageId as string)]);
      for (const m of messages) expect(held.has(m.id)).toBe(true);
    } finally {
      await publisher.close();
    }
  });

  it('a black-holed network fails the call after confirmTimeoutMs (retryable) and the next publish after healing goes out on a new connection', async () => {
    const exchange = kit.name('hole');
    const queue = kit.name('hole-q');
    await kit.exchange(exchange);
    await kit.queue(queue, { exchange, routingKey: '#' });
    const publisher = viaProxy(1_000);
    try {
      await publisher.connect();
      proxy.blackHole();
      const results = await publisher.publish(batch(exchange, 5, 'hole'));
      for (const r of results) expect(r).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_CONFIRM_TIMEOUT } });
      await proxy.heal();
      const again = batch(exchange, 5, 'after');
      const failures: PublishResult[] = [];
      await publishUntilConfirmed(publisher, again, failures);
      const held = new Set((await kit.read(queue, 5)).map((m) => m.properties.messageId as string));
      for (const m of again) expect(held.has(m.id)).toBe(true);
    } finally {
      await proxy.heal();
      await publisher.close();
    }
  });
});
