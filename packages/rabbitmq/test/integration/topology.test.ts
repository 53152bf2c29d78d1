import { createEnvelope } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmqplibTransport } from '../../src/amqplib.js';
import { RabbitMqErrorCode, createRabbitMqPublisher, ensureTopology } from '../../src/index.js';
import { createRabbitKit, requireRabbitMq, waitFor, type RabbitKit } from './support/rabbit-kit.js';

const rabbit = await requireRabbitMq();

describe.skipIf(!rabbit.available)('ensureTopology on the real broker', () => {
  let kit: RabbitKit;
  const transport = () => createAmqplibTransport({ url: rabbit.url });

  beforeAll(() => {
    kit = createRabbitKit();
  });
  afterAll(async () => {
    await kit.cleanup();
  });

  it('declares exchanges, a quorum work queue, its dead-letter exchange and queue and TTL retry queues, idempotently', async () => {
    const exchange = kit.name('orders');
    const queue = kit.name('billing');
    const spec = { transport: transport(), exchanges: [{ name: exchange, type: 'topic' }], queues: [{ name: queue, bindings: [{ exchange, routingKey: 'order.*' }], retryDelaysMs: [200] }] };
    const first = await ensureTopology(spec);
    for (const name of first.queues) kit.forget('queue', name);
    for (const name of first.exchanges) kit.forget('exchange', name);
    expect(first).toEqual({ exchanges: [exchange, `${queue}.dlx`], queues: [`${queue}.dlq`, `${queue}.retry.1`, queue], bindings: 2 });
    expect(await ensureTopology({ ...spec, transport: transport() })).toEqual(first); // same arguments: a no-op

    // routed by the work exchange into the quorum queue
    const publisher = createRabbitMqPublisher({ transport: transport() });
    try {
      const event = createEnvelope({ type: 'order.placed', source: '/orders', data: { id: 1 } });
      expect(await publisher.publish([{ id: event.id, destination: exchange, headers: {}, envelope: event }])).toEqual([{ id: event.id, ok: true }]);
    } finally {
      await publisher.close();
    }
    await waitFor(async () => (await kit.messageCount(queue)) === 1, 5_000, 'the message in the work queue');

    const connection = await kit.connection();
    const channel = await connection.createChannel();
    try {
      // a rejected message is dead-lettered to <queue>.dlq
      const taken = await channel.get(queue);
      expect(taken).not.toBe(false);
      if (taken !== false) channel.nack(taken, false, false);
      await waitFor(async () => (await kit.messageCount(`${queue}.dlq`)) === 1, 5_000, 'the dead letter');
      // a message put into the retry queue comes back to the work queue (only) after its TTL
      channel.sendToQueue(`${queue}.retry.1`, Buffer.from('{}'), { messageId: 'retry-me', persistent: true });
      await waitFor(async () => (await kit.messageCount(queue)) === 1, 5_000, 'the retried message back in the work queue');
      const back = await channel.get(queue, { noAck: true });
      expect(back !== false && back.properties.messageId).toBe('retry-me');
    } finally {
      await channel.close();
    }
  });

  it('names the queue that exists with other arguments (406) instead of changing it', async () => {
    const queue = kit.name('classic');
    await kit.queue(queue); // a classic queue
    await expect(ensureTopology({ transport: transport(), queues: [{ name: queue, deadLetter: false }] })).rejects.toMatchObject({
      code: RabbitMqErrorCode.RABBITMQ_TOPOLOGY,
      entity: `queue "${queue}"`,
      replyCode: 406,
      retryable: false,
    });
  });
});
