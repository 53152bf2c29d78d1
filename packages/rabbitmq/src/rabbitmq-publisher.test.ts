import { ManualClock, createEnvelope, flushMicrotasks, type PublishMessage } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from './__fixtures__/fake-amqp-transport.js';
import { RabbitMqErrorCode } from './rabbitmq-error-codes.js';
import { createRabbitMqPublisher } from './rabbitmq-publisher.js';

function messages(count: number, destination = 'orders'): PublishMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const envelope = createEnvelope({ type: 'order.placed', source: '/orders', data: { i } });
    return { id: envelope.id, destination, headers: {}, envelope };
  });
}

/** Waits until the fake has seen `count` publishes on its latest connection. */
async function published(transport: ReturnType<typeof createFakeTransport>, count: number) {
  for (let i = 0; i < 100; i++) {
    const latest = transport.connections.at(-1);
    if (latest !== undefined && latest.published.length >= count) return latest;
    await flushMicrotasks();
  }
  throw new Error(`expected ${count} publishes`);
}

describe('createRabbitMqPublisher (fake transport)', () => {
  it('routes by destination and event type, mandatory, and reports ack / return+ack / nack per message in input order', async () => {
    const transport = createFakeTransport(['orders']);
    const publisher = createRabbitMqPublisher({ transport });
    const batch = messages(3);
    const pending = publisher.publish(batch);
    const connection = await published(transport, 3);
    expect(connection.published.map((p) => [p.exchange, p.routingKey, p.mandatory])).toEqual([['orders', 'order.placed', true], ['orders', 'order.placed', true], ['orders', 'order.placed', true]]);
    connection.returnMessage(1);
    connection.published[2]!.confirm(false);
    connection.published[1]!.confirm(true);
    connection.published[0]!.confirm(true);
    const results = await pending;
    expect(results[0]).toEqual({ id: batch[0]!.id, ok: true });
    expect(results[1]).toMatchObject({ id: batch[1]!.id, ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_UNROUTABLE, exchange: 'orders', routingKey: 'order.placed' } });
    expect(results[2]).toMatchObject({ id: batch[2]!.id, ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_NACKED } });
    await publisher.close();
  });

  it('fails only the unconfirmed messages when the connection drops, and reconnects on the next publish', async () => {
    const transport = createFakeTransport(['orders']);
    const publisher = createRabbitMqPublisher({ transport });
    const batch = messages(3);
    const pending = publisher.publish(batch);
    const first = await published(transport, 3);
    first.published[0]!.confirm(true);
    first.drop();
    first.published[1]!.confirm(true); // a confirm after the drop cannot happen, and is ignored if it did
    const results = await pending;
    expect(results[0]!.ok).toBe(true);
    for (const r of results.slice(1)) expect(r).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_CONNECTION, phase: 'in-flight' } });
    transport.autoAck = true;
    expect((await publisher.publish(batch.slice(1))).every((r) => r.ok)).toBe(true);
    expect(transport.connections).toHaveLength(2);
    await publisher.close();
  });

  it('fails a call without confirms after confirmTimeoutMs and discards its connection; a late confirm changes nothing', async () => {
    const clock = new ManualClock();
    const transport = createFakeTransport(['orders']);
    const publisher = createRabbitMqPublisher({ transport, clock, confirmTimeoutMs: 1_000 });
    const pending = publisher.publish(messages(2));
    const connection = await published(transport, 2);
    clock.advance(1_000);
    const results = await pending;
    for (const r of results) expect(r).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_CONFIRM_TIMEOUT, timeoutMs: 1_000 } });
    expect(connection.closed).toBe(true);
    connection.published[0]!.confirm(true);
    expect(results[0]!.ok).toBe(false);
    await publisher.close();
  });

  it('reports an aborted call as ABORTED (retryable) at once', async () => {
    const transport = createFakeTransport(['orders']);
    const publisher = createRabbitMqPublisher({ transport });
    const controller = new AbortController();
    const pending = publisher.publish(messages(2), { signal: controller.signal });
    await published(transport, 2);
    controller.abort();
    for (const r of await pending) expect(r).toMatchObject({ ok: false, retryable: true, error: { code: 'ABORTED' } });
    await publisher.close();
  });

  it('fails a message to a missing exchange, one it cannot encode (not retryable), and a whole call when it cannot connect', async () => {
    const transport = createFakeTransport(['orders']);
    transport.autoAck = true;
    const publisher = createRabbitMqPublisher({ transport });
    const [good] = messages(1);
    const [missing] = messages(1, 'nowhere');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const badEnvelope = createEnvelope({ type: 't', source: '/s', data: cyclic });
    const results = await publisher.publish([good!, missing!, { id: badEnvelope.id, destination: 'orders', headers: {}, envelope: badEnvelope }]);
    expect(results[0]!.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_EXCHANGE_NOT_FOUND, exchange: 'nowhere' } });
    expect(results[2]).toMatchObject({ ok: false, retryable: false, error: { code: RabbitMqErrorCode.RABBITMQ_ENCODE } });
    await publisher.close();

    const down = createFakeTransport();
    down.failConnect = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const offline = createRabbitMqPublisher({ transport: down });
    for (const r of await offline.publish(messages(2))) expect(r).toMatchObject({ ok: false, retryable: true, error: { code: RabbitMqErrorCode.RABBITMQ_CONNECTION, phase: 'connect' } });
    await expect(offline.connect()).rejects.toMatchObject({ code: RabbitMqErrorCode.RABBITMQ_CONNECTION });
    await offline.close();
  });

  it('rejects with CLOSED after close and validates its options at construction', async () => {
    const transport = createFakeTransport();
    const publisher = createRabbitMqPublisher({ transport });
    await publisher.close();
    await expect(publisher.publish(messages(1))).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => createRabbitMqPublisher({} as never)).toThrow(/transport is required/);
    expect(() => createRabbitMqPublisher({ transport, confirmTimeoutMs: 0 })).toThrow(/confirmTimeoutMs/);
    expect(() => createRabbitMqPublisher({ transport, confirmTimeoutMS: 5 } as never)).toThrow(/did you mean 'confirmTimeoutMs'/);
  });
});
