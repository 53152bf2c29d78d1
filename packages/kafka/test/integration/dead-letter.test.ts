import { createEnvelope, type Envelope } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { createConsumer, createKafkaPublisher, DeadLetterHeaders, readDeadLetterHeaders } from '../../src/index.js';
import { createKafkaKit, waitFor, type KafkaKit } from './support/kafka-kit.js';

const service = await requireKafka();

describe.skipIf(!service.available)('poison records on a real broker', () => {
  let kit: KafkaKit;
  beforeAll(() => {
    kit = createKafkaKit(service.brokers);
  });
  afterAll(() => kit.cleanup());

  it('moves a poison record to <topic>-dlt byte for byte with Spring headers, commits after the write and keeps consuming', async () => {
    const topic = kit.name('poison');
    const groupId = kit.name('poison-group');
    await kit.createTopics([topic], { partitions: 1 });

    const good = (n: number) => createEnvelope({ type: 'order.placed', source: '/orders', data: { n }, partitionKey: 'k' });
    const publisher = createKafkaPublisher({ transport: kit.transport });
    const before = [good(1)];
    await publisher.publish(before.map((e) => ({ id: e.id, destination: topic, partitionKey: 'k', headers: {}, envelope: e })));
    // a record no CloudEvents decoder accepts, with headers of every shape
    const producer = kit.kafka.producer();
    await producer.connect();
    const poisonHeaders = { 'x-binary': Buffer.from([0, 1, 2, 255]), 'x-text': 'hello', ce_specversion: '1.0', 'content-type': 'application/json' };
    await producer.send({ topic, acks: -1, messages: [{ key: Buffer.from('k'), value: Buffer.from('{"orderId": '), headers: poisonHeaders }] });
    await producer.disconnect();
    const after = [good(3), good(4)];
    await publisher.publish(after.map((e) => ({ id: e.id, destination: topic, partitionKey: 'k', headers: {}, envelope: e })));
    await publisher.close();

    const handled: Envelope[] = [];
    const consumer = createConsumer({
      transport: kit.transport,
      groupId,
      topics: [topic],
      fromBeginning: true,
      shutdownSignals: [],
      maxWaitTimeMs: 100,
      handler: (event) => void handled.push(event),
    });
    kit.track(consumer);
    await consumer.start();
    await waitFor(() => handled.length === 3, 30_000, 'the three good records');
    expect(handled.map((e) => (e.data as { n: number }).n)).toEqual([1, 3, 4]);
    await waitFor(async () => (await kit.committedOffset(groupId, topic)) === '4', 15_000, 'offset 4 committed');

    const [dead] = await kit.readTopic(`${topic}-dlt`, 1);
    expect(dead!.key).toEqual(Buffer.from('k'));
    expect(dead!.value).toEqual(Buffer.from('{"orderId": '));
    expect(dead!.headers!['x-binary']).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(dead!.headers!['x-text']).toEqual(Buffer.from('hello'));
    expect(dead!.headers!.ce_specversion).toEqual(Buffer.from('1.0'));
    const h = dead!.headers as Record<string, Buffer>;
    expect(h[DeadLetterHeaders.ORIGINAL_TOPIC]).toEqual(Buffer.from(topic));
    expect(h[DeadLetterHeaders.ORIGINAL_PARTITION]).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(h[DeadLetterHeaders.ORIGINAL_OFFSET]).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]));
    expect(h[DeadLetterHeaders.ORIGINAL_TIMESTAMP]).toHaveLength(8);
    expect(h[DeadLetterHeaders.ORIGINAL_TIMESTAMP]!.readBigInt64BE(0)).toBeGreaterThan(1_600_000_000_000n);
    expect(h[DeadLetterHeaders.ORIGINAL_TIMESTAMP_TYPE]).toEqual(Buffer.from('CreateTime'));
    expect(h[DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP]).toEqual(Buffer.from(groupId));
    const info = readDeadLetterHeaders(dead!.headers);
    expect(info).toMatchObject({ originalTopic: topic, originalPartition: 0, originalOffset: '1', exceptionFqcn: 'IapError:MESSAGE_DECODE' });
    expect(info!.exceptionMessage).toContain(`${topic}[0]@1`);
    expect(info!.exceptionStacktrace).toContain('IapError');
  });

  it('dead-letters after the in-process retries of a failing handler and moves on', async () => {
    const topic = kit.name('failing');
    const groupId = kit.name('failing-group');
    await kit.createTopics([topic], { partitions: 1 });
    const events = [1, 2].map((n) => createEnvelope({ type: 'order.placed', source: '/orders', data: { n } }));
    const publisher = createKafkaPublisher({ transport: kit.transport });
    await publisher.publish(events.map((e) => ({ id: e.id, destination: topic, headers: {}, envelope: e })));
    await publisher.close();

    const attempts = new Map<number, number>();
    const consumer = createConsumer({
      transport: kit.transport,
      groupId,
      topics: [topic],
      fromBeginning: true,
      shutdownSignals: [],
      maxWaitTimeMs: 100,
      retry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 50 } },
      handler: (event) => {
        const n = (event.data as { n: number }).n;
        attempts.set(n, (attempts.get(n) ?? 0) + 1);
        if (n === 1) throw new Error('the ERP rejected order 1');
      },
    });
    kit.track(consumer);
    await consumer.start();
    await waitFor(() => attempts.get(2) === 1, 30_000, 'record 2 handled');
    expect(attempts.get(1)).toBe(3);
    const [dead] = await kit.readTopic(`${topic}-dlt`, 1);
    expect(readDeadLetterHeaders(dead!.headers)).toMatchObject({ originalOffset: '0', exceptionFqcn: 'Error', exceptionMessage: 'the ERP rejected order 1' });
    await waitFor(async () => (await kit.committedOffset(groupId, topic)) === '2', 15_000, 'offset 2 committed');
  });
});
