import { createEnvelope, type Envelope, type PublishMessage } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmqplibTransport } from '../../src/amqplib.js';
import { RabbitMqErrorCode, createRabbitMqPublisher, decodeAmqpMessage, type RabbitMqPublisher } from '../../src/index.js';
import { createRabbitKit, requireRabbitMq, type RabbitKit } from './support/rabbit-kit.js';

const rabbit = await requireRabbitMq();

function message(envelope: Envelope, destination: string): PublishMessage {
  return { id: envelope.id, destination, partitionKey: envelope.partitionKey, headers: {}, envelope };
}

describe.skipIf(!rabbit.available)('RabbitMQ publisher on the real broker', () => {
  let kit: RabbitKit;
  let publisher: RabbitMqPublisher;

  beforeAll(() => {
    kit = createRabbitKit();
    publisher = createRabbitMqPublisher({ transport: createAmqplibTransport({ url: rabbit.url, clientName: 'iap-it-publisher' }), confirmTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await publisher.close();
    await kit.cleanup();
  });

  it('reports a message published only once confirmed, and the broker holds exactly those, persistent, with message-id = envelope id', async () => {
    const exchange = kit.name('orders');
    const queue = kit.name('billing');
    await kit.exchange(exchange);
    await kit.queue(queue, { exchange, routingKey: 'order.*' });
    const envelopes = Array.from({ length: 50 }, (_, i) => createEnvelope({ type: 'order.placed', source: '/orders', data: { n: i }, partitionKey: `o-${i % 5}` }));
    const results = await publisher.publish(envelopes.map((e) => message(e, exchange)));
    expect(results.map((r) => r.id)).toEqual(envelopes.map((e) => e.id));
    expect(results.every((r) => r.ok)).toBe(true);
    const stored = await kit.read(queue, 50);
    expect(stored.map((m) => m.properties.messageId)).toEqual(envelopes.map((e) => e.id));
    expect(stored.every((m) => m.properties.deliveryMode === 2)).toBe(true);
    expect(stored[0]!.properties.contentType).toBe('application/json');
  });

  it('round-trips envelopes through the broker: what the decoder reads is what was published (binary and structured)', async () => {
    const exchange = kit.name('roundtrip');
    const queue = kit.name('roundtrip-q');
    await kit.exchange(exchange, 'fanout');
    await kit.queue(queue, { exchange, routingKey: '' });
    const envelope = createEnvelope({
      type: 'com.acme.order.placed',
      source: 'https://orders.acme.com/v1',
      subject: 'ORD-1',
      correlationId: 'c-1',
      causationId: 'e-0',
      partitionKey: 'ORD-1',
      dataSchemaUri: 'https://schemas.acme.com/order/1',
      schemaVersion: '2',
      extensions: { tenant: 'acme', priority: 7, urgent: true },
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'vendor=abc',
      data: { orderId: 'ORD-1', total: 12.5, lines: [{ sku: 'A', qty: 2 }] },
    });
    const bytes = createEnvelope({ type: 'file.uploaded', source: '/files', dataContentType: 'application/octet-stream', data: new Uint8Array([0, 1, 2, 255]) });
    const text = createEnvelope({ type: 'note.added', source: '/notes', dataContentType: 'text/plain; charset=utf-8', data: 'héllo' });
    const structured = createRabbitMqPublisher({ transport: createAmqplibTransport({ url: rabbit.url }), mode: 'structured' });
    try {
      expect((await publisher.publish([envelope, bytes, text].map((e) => message(e, exchange)))).every((r) => r.ok)).toBe(true);
      expect((await structured.publish([message(envelope, exchange)])).every((r) => r.ok)).toBe(true);
    } finally {
      await structured.close();
    }
    const stored = await kit.read(queue, 4);
    const decoded = stored.map((m) => decodeAmqpMessage({ content: m.content, properties: m.properties }));
    expect(decoded[0]).toEqual(envelope);
    expect(decoded[1]).toEqual({ ...bytes, data: new Uint8Array([0, 1, 2, 255]) });
    expect(decoded[2]).toEqual(text);
    expect(decoded[3]).toEqual(envelope);
    // the binding's header rules as the broker hands them over: native boolean and integer extensions
    expect(stored[0]!.properties.headers).toMatchObject({ 'cloudEvents:specversion': '1.0', 'cloudEvents:id': envelope.id, 'cloudEvents:urgent': true, 'cloudEvents:priority': 7 });
    expect(stored[0]!.properties.headers?.['cloudEvents:datacontenttype']).toBeUndefined();
  });

  it('fails an unroutable message (basic.return) with RABBITMQ_UNROUTABLE naming exchange and routing key, while its routable neighbours are published', async () => {
    const exchange = kit.name('partial');
    const queue = kit.name('partial-q');
    await kit.exchange(exchange, 'direct');
    await kit.queue(queue, { exchange, routingKey: 'routed' });
    const routed = createEnvelope({ type: 'routed', source: '/s', data: 1 });
    const lost = createEnvelope({ type: 'nobody.listens', source: '/s', data: 2 });
    const routed2 = createEnvelope({ type: 'routed', source: '/s', data: 3 });
    const [a, b, c] = await publisher.publish([routed, lost, routed2].map((e) => message(e, exchange)));
    expect(a).toEqual({ id: routed.id, ok: true });
    expect(c).toEqual({ id: routed2.id, ok: true });
    expect(b).toMatchObject({ id: lost.id, ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_UNROUTABLE, exchange, routingKey: 'nobody.listens', replyCode: 312 } });
    expect(b!.ok === false && b!.error.message).toContain(`exchange "${exchange}" with routing key "nobody.listens"`);
    expect((await kit.drain(queue)).map((m) => m.properties.messageId)).toEqual([routed.id, routed2.id]);
  });

  it('fails messages to a missing exchange with RABBITMQ_EXCHANGE_NOT_FOUND and keeps publishing to others on the same connection', async () => {
    const exchange = kit.name('present');
    const queue = kit.name('present-q');
    await kit.exchange(exchange, 'fanout');
    await kit.queue(queue, { exchange, routingKey: '' });
    const missing = kit.name('missing');
    const one = createEnvelope({ type: 't', source: '/s', data: 1 });
    const two = createEnvelope({ type: 't', source: '/s', data: 2 });
    const [a, b] = await publisher.publish([message(one, missing), message(two, exchange)]);
    expect(a).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_EXCHANGE_NOT_FOUND, exchange: missing } });
    expect(b).toEqual({ id: two.id, ok: true });
    // once the exchange exists, the relay's retry succeeds
    await kit.exchange(missing, 'fanout');
    await kit.queue(kit.name('late-q'), { exchange: missing, routingKey: '' });
    expect(await publisher.publish([message(one, missing)])).toEqual([{ id: one.id, ok: true }]);
  });

  it('reports a connect failure as retryable RABBITMQ_CONNECTION for every message, without throwing', async () => {
    const broken = createRabbitMqPublisher({ transport: createAmqplibTransport({ url: 'amqp://guest:guest@127.0.0.1:1', connectTimeoutMs: 1_000 }) });
    try {
      const e = createEnvelope({ type: 't', source: '/s', data: 1 });
      const [result] = await broken.publish([message(e, 'x')]);
      expect(result).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_CONNECTION, phase: 'connect' } });
    } finally {
      await broken.close();
    }
  });
});
