import { createEnvelope } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { createConsumer, createKafkaPublisher, readDeadLetterHeaders } from '../../src/index.js';
import { createKafkaKit, waitFor, type KafkaKit } from './support/kafka-kit.js';
import { spyTransport } from './support/spy-transport.js';

const service = await requireKafka();

describe.skipIf(!service.available)('retry topics and blocking retries on a real broker', () => {
  let kit: KafkaKit;
  beforeAll(() => {
    kit = createKafkaKit(service.brokers);
  });
  afterAll(() => kit.cleanup());

  const publish = async (topic: string, items: Array<{ n: number; key: string }>) => {
    const publisher = createKafkaPublisher({ transport: kit.transport });
    const events = items.map(({ n, key }) => createEnvelope({ type: 'order.placed', source: '/orders', data: { n }, partitionKey: key }));
    const results = await publisher.publish(events.map((e) => ({ id: e.id, destination: topic, partitionKey: e.partitionKey, headers: {}, envelope: e })));
    await publisher.close();
    expect(results.every((r) => r.ok)).toBe(true);
  };

  it('routes a failing record through <topic>-retry-1 and -retry-2 (not before due) to the dead-letter topic, committing each hop after the write', async () => {
    const topic = kit.name('retry');
    const groupId = kit.name('retry-group');
    await kit.createTopics([topic], { partitions: 1, retryTopics: 2 });
    await publish(topic, [
      { n: 1, key: 'a' },
      { n: 2, key: 'b' },
    ]);
    const log: string[] = [];
    const calls: Array<{ n: number; topic: string; deliveryAttempt: number; early: boolean }> = [];
    const consumer = createConsumer({
      transport: spyTransport(kit.transport, log),
      groupId,
      topics: [topic],
      fromBeginning: true,
      shutdownSignals: [],
      maxWaitTimeMs: 100,
      retry: { maxAttempts: 1 },
      onRetriesExhausted: { mode: 'retry-topics', delaysMs: [300, 600] },
      handler: (event, context) => {
        const n = (event.data as { n: number }).n;
        const dueAt = context.topic === topic ? undefined : readDeadLetterHeaders(context.headers)?.retryDueAt;
        if (context.topic !== topic && dueAt === undefined) throw new TypeError('a retry-topic record without iap-retry-due-at');
        calls.push({ n, topic: context.topic, deliveryAttempt: context.deliveryAttempt, early: dueAt !== undefined && Date.now() < dueAt });
        if (n === 1) throw new Error('still failing');
        if (context.topic === topic) throw new Error('fails once');
      },
    });
    kit.track(consumer);
    await consumer.start();
    await waitFor(() => calls.filter((c) => c.n === 1).length === 3 && calls.filter((c) => c.n === 2).length === 2, 30_000, 'all deliveries');
    const [dead] = await kit.readTopic(`${topic}-dlt`, 1);

    expect(calls.filter((c) => c.n === 1).map((c) => [c.topic, c.deliveryAttempt])).toEqual([
      [topic, 1],
      [`${topic}-retry-1`, 2],
      [`${topic}-retry-2`, 3],
    ]);
    expect(calls.filter((c) => c.n === 2).map((c) => c.topic)).toEqual([topic, `${topic}-retry-1`]);
    // no retry-topic record was handed to the handler before its due time
    expect(calls.filter((c) => c.early)).toEqual([]);

    expect(readDeadLetterHeaders(dead!.headers)).toMatchObject({ originalTopic: topic, originalOffset: '0', retryAttempt: 3, exceptionMessage: 'still failing' });
    // every hop: the write was acknowledged before the source offset was committed
    const firstSend = log.indexOf(`send:${topic}-retry-1`);
    const mainCommit = log.findIndex((l) => l.startsWith(`commit:${topic}:`));
    expect(firstSend).toBeGreaterThanOrEqual(0);
    expect(firstSend).toBeLessThan(mainCommit);
    const dltSend = log.indexOf(`send:${topic}-dlt`);
    const retry2Commit = log.findIndex((l) => l.startsWith(`commit:${topic}-retry-2:`));
    expect(dltSend).toBeGreaterThanOrEqual(0);
    expect(dltSend).toBeLessThan(retry2Commit);
    await waitFor(async () => (await kit.committedOffset(groupId, `${topic}-retry-2`)) === '1', 15_000, 'retry-2 committed');
    expect(await kit.committedOffset(groupId, topic)).toBe('2');
  });

  it('block mode pauses and seeks back, keeps the partition order and dead-letters nothing', async () => {
    const topic = kit.name('block');
    const groupId = kit.name('block-group');
    await kit.createTopics([topic], { partitions: 1 });
    await publish(
      topic,
      [1, 2, 3, 4].map((n) => ({ n, key: 'same' })),
    );
    const handled: number[] = [];
    let failures = 2;
    const consumer = createConsumer({
      transport: kit.transport,
      groupId,
      topics: [topic],
      fromBeginning: true,
      shutdownSignals: [],
      maxWaitTimeMs: 100,
      retry: { maxAttempts: 1 },
      onRetriesExhausted: { mode: 'block', backoff: { backoff: { kind: 'constant', delayMs: 200 } } },
      handler: (event) => {
        const n = (event.data as { n: number }).n;
        if (n === 2 && failures-- > 0) throw new Error('blocked');
        handled.push(n);
      },
    });
    kit.track(consumer);
    const paused: string[] = [];
    consumer.events.on('paused', (e) => paused.push(e.offset));
    await consumer.start();
    await waitFor(() => handled.length === 4, 30_000, 'four records handled');
    expect(handled).toEqual([1, 2, 3, 4]);
    expect(paused).toEqual(['1', '1']);
    await waitFor(async () => (await kit.committedOffset(groupId, topic)) === '4', 15_000, 'offset 4 committed');
  });

  it('per-key concurrency processes keys in parallel, each key in order, and commits everything', async () => {
    const topic = kit.name('keys');
    const groupId = kit.name('keys-group');
    await kit.createTopics([topic], { partitions: 1 });
    const items = Array.from({ length: 40 }, (_, i) => ({ n: i, key: `k${i % 4}` }));
    await publish(topic, items);
    const perKey = new Map<string, number[]>();
    let active = 0;
    let maxActive = 0;
    const consumer = createConsumer({
      transport: kit.transport,
      groupId,
      topics: [topic],
      fromBeginning: true,
      shutdownSignals: [],
      maxWaitTimeMs: 100,
      keyConcurrency: 4,
      handler: async (event) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setImmediate(resolve));
        const key = event.partitionKey!;
        perKey.set(key, [...(perKey.get(key) ?? []), (event.data as { n: number }).n]);
        active--;
      },
    });
    kit.track(consumer);
    await consumer.start();
    await waitFor(() => [...perKey.values()].reduce((s, l) => s + l.length, 0) === 40, 30_000, '40 records handled');
    for (const [key, ns] of perKey) expect(ns, key).toEqual([...ns].sort((a, b) => a - b));
    expect(maxActive).toBeGreaterThan(1);
    expect(maxActive).toBeLessThanOrEqual(4);
    await waitFor(async () => (await kit.committedOffset(groupId, topic)) === '40', 15_000, 'offset 40 committed');
  });
});
