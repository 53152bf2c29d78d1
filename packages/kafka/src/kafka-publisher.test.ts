import { IapError, ManualClock, createEnvelope, type PublishMessage } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { InMemoryKafka } from './__fixtures__/in-memory-kafka.js';
import { createKafkaPublisher } from './kafka-publisher.js';
import { partitionForKey } from './murmur2.js';
import { decodeKafkaRecord } from './record-codec.js';

function message(destination: string, data: unknown, partitionKey?: string): PublishMessage {
  const envelope = createEnvelope({ type: 'order.placed', source: '/orders', data, ...(partitionKey === undefined ? {} : { partitionKey }) });
  return { id: envelope.id, destination, partitionKey, headers: { 'x-tenant': 'acme' }, envelope };
}

describe('createKafkaPublisher', () => {
  it('sends one batch with acks=-1 on an idempotent producer and reports every message ok, in order', async () => {
    const kafka = new InMemoryKafka();
    kafka.createTopic('orders', 6);
    const publisher = createKafkaPublisher({ transport: kafka });
    const messages = [message('orders', { n: 1 }, 'o-1'), message('audit', { n: 2 }), message('orders', { n: 3 }, 'o-2')];
    const results = await publisher.publish(messages);
    expect(results).toEqual(messages.map((m) => ({ id: m.id, ok: true })));
    expect(kafka.sends).toHaveLength(1);
    expect(kafka.sends[0]).toMatchObject({ acks: -1, compression: 'none' });
    expect(kafka.producerOptions[0]!.idempotent).toBe(true);
    const stored = kafka.records('orders');
    expect(stored.map((r) => r.partition).sort()).toEqual([partitionForKey('o-1', 6), partitionForKey('o-2', 6)].sort());
    const first = stored.find((r) => r.key?.toString() === 'o-1')!;
    const decoded = decodeKafkaRecord(first);
    expect(decoded).toEqual(messages[0]!.envelope);
    expect(first.headers['x-tenant']).toEqual(Buffer.from('acme'));
    expect(kafka.records('audit')).toHaveLength(1);
    await publisher.close();
  });

  it('writes structured mode when asked', async () => {
    const kafka = new InMemoryKafka();
    const publisher = createKafkaPublisher({ transport: kafka, mode: 'structured' });
    await publisher.publish([message('orders', 1)]);
    expect(kafka.records('orders')[0]!.headers['content-type']).toEqual(Buffer.from('application/cloudevents+json; charset=utf-8'));
  });

  it('fails only the message whose envelope cannot be encoded, as not retryable', async () => {
    const kafka = new InMemoryKafka();
    const publisher = createKafkaPublisher({ transport: kafka });
    const results = await publisher.publish([message('orders', 1), message('orders', 10n), message('orders', 3)]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, retryable: false, error: { code: 'PUBLISH_FAILED' } });
    expect(kafka.records('orders')).toHaveLength(2);
  });

  it('reports a retryable broker failure for every message of the batch', async () => {
    const kafka = new InMemoryKafka();
    kafka.sendFailures.push(new IapError('BROKER', 'Kafka send failed: Connection error', { retryable: true }));
    const publisher = createKafkaPublisher({ transport: kafka });
    const results = await publisher.publish([message('orders', 1), message('orders', 2)]);
    expect(results.every((r) => !r.ok && r.retryable && r.error.code === 'PUBLISH_FAILED')).toBe(true);
    expect((results[0] as { error: IapError }).error.cause).toMatchObject({ code: 'BROKER' });
  });

  it('creates a new producer after the idempotent producer state was lost, and reports the batch retryable', async () => {
    const kafka = new InMemoryKafka();
    kafka.sendFailures.push(
      new IapError('BROKER', 'Kafka send failed: out of order (OUT_OF_ORDER_SEQUENCE_NUMBER)', {
        retryable: true,
        details: { failure: 'transport', producerStateLost: true, kafkaErrorType: 'OUT_OF_ORDER_SEQUENCE_NUMBER' },
      }),
    );
    const publisher = createKafkaPublisher({ transport: kafka });
    const first = await publisher.publish([message('orders', 1)]);
    expect(first[0]).toMatchObject({ ok: false, retryable: true });
    const second = await publisher.publish([message('orders', 2)]);
    expect(second[0]).toMatchObject({ ok: true });
    expect(kafka.producerOptions).toHaveLength(2);
    await publisher.close();
  });

  it('keeps a transient failure on the same producer', async () => {
    const kafka = new InMemoryKafka();
    kafka.sendFailures.push(new IapError('BROKER', 'Kafka send failed: Connection error', { retryable: true, details: { failure: 'transport', producerStateLost: false } }));
    const publisher = createKafkaPublisher({ transport: kafka });
    await publisher.publish([message('orders', 1)]);
    await publisher.publish([message('orders', 2)]);
    expect(kafka.producerOptions).toHaveLength(1);
    await publisher.close();
  });

  it('reports a configuration failure (authorization) as retryable for the message: the message is not at fault', async () => {
    const kafka = new InMemoryKafka();
    kafka.sendFailures.push(new IapError('BROKER', 'Kafka send failed (TOPIC_AUTHORIZATION_FAILED)', { retryable: false, details: { failure: 'configuration' } }));
    const publisher = createKafkaPublisher({ transport: kafka });
    const [result] = await publisher.publish([message('orders', 1)]);
    expect(result).toMatchObject({ ok: false, retryable: true });
    await publisher.close();
  });

  it('isolates a permanent batch failure by sending one by one', async () => {
    const kafka = new InMemoryKafka();
    const tooLarge = new IapError('BROKER', 'Kafka send failed: message too large (MESSAGE_TOO_LARGE)', { retryable: false });
    kafka.sendFailures.push(tooLarge, undefined, tooLarge, undefined);
    const publisher = createKafkaPublisher({ transport: kafka });
    const results = await publisher.publish([message('orders', 1), message('orders', 2), message('orders', 3)]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ retryable: false });
    expect(kafka.sends).toHaveLength(4);
  });

  it('reports a timeout or an abort as retryable failures', async () => {
    const clock = new ManualClock(0);
    const kafka = new InMemoryKafka();
    kafka.hangSends = true;
    const publisher = createKafkaPublisher({ transport: kafka, clock, publishTimeoutMs: 5_000 });
    const pending = publisher.publish([message('orders', 1)]);
    await clock.advanceAsync(5_000);
    const [timedOut] = await pending;
    expect(timedOut).toMatchObject({ ok: false, retryable: true });
    expect((timedOut as { error: IapError }).error.cause).toMatchObject({ code: 'TIMEOUT' });

    const controller = new AbortController();
    const aborted = publisher.publish([message('orders', 2)], { signal: controller.signal });
    await clock.advanceAsync(0);
    controller.abort();
    expect((await aborted)[0]).toMatchObject({ ok: false, retryable: true });
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects publishing after close and validates options', async () => {
    const kafka = new InMemoryKafka();
    const publisher = createKafkaPublisher({ transport: kafka });
    await publisher.publish([message('orders', 1)]);
    await publisher.close();
    await expect(publisher.publish([message('orders', 2)])).rejects.toMatchObject({ code: 'CLOSED' });
    expect(await publisher.close()).toBeUndefined();
    for (const bad of [{}, { transport: kafka, mode: 'xml' }, { transport: kafka, publishTimeoutMs: 0 }, { transport: kafka, compression: 'zip' }]) {
      expect(() => createKafkaPublisher(bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });
});
