import { createEnvelope, createInMemoryIdempotencyStore, type IdempotencyStore } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { createConsumer, createKafkaPublisher, type KafkaTransport } from '../../src/index.js';
import { createKafkaKit, waitFor, type KafkaKit } from './support/kafka-kit.js';
import { spyTransport } from './support/spy-transport.js';

const service = await requireKafka();

/**
 * The process "dies" after the handler applied its effect but before the offset commit reached the
 * broker: the first consumer's commits fail, then it goes away. A second consumer of the same group
 * gets the records again. With a shared idempotency store (standing for a durable one, such as the
 * messaging inbox) no effect is applied twice; the control run without a store shows the redelivery
 * is real.
 */
describe.skipIf(!service.available)('a crash between handler and commit on a real broker', () => {
  let kit: KafkaKit;
  beforeAll(() => {
    kit = createKafkaKit(service.brokers);
  });
  afterAll(() => kit.cleanup());

  async function scenario(store: IdempotencyStore | false): Promise<{ effects: Map<string, number>; duplicates: number }> {
    const topic = kit.name('crash');
    const groupId = kit.name('crash-group');
    await kit.createTopics([topic], { partitions: 1, deadLetter: false });
    const events = [1, 2, 3].map((n) => createEnvelope({ type: 'payment.captured', source: '/payments', data: { n } }));
    const publisher = createKafkaPublisher({ transport: kit.transport });
    await publisher.publish(events.map((e) => ({ id: e.id, destination: topic, headers: {}, envelope: e })));
    await publisher.close();

    const effects = new Map<string, number>();
    const handler = (event: { id: string }) => void effects.set(event.id, (effects.get(event.id) ?? 0) + 1);
    const common = { groupId, topics: [topic], fromBeginning: true, shutdownSignals: [], maxWaitTimeMs: 100, idempotencyStore: store, handler } as const;

    const log: string[] = [];
    const crashing: KafkaTransport = spyTransport(kit.transport, log, { failCommits: () => true });
    const first = createConsumer({ ...common, transport: crashing });
    await first.start();
    await waitFor(() => effects.size === 3, 30_000, 'first consumer applied all effects');
    await first.close();
    expect(await kit.committedOffset(groupId, topic)).toBe('-1');

    const second = createConsumer({ ...common, transport: kit.transport });
    let duplicates = 0;
    second.events.on('duplicate', () => duplicates++);
    await second.start();
    await waitFor(async () => (await kit.committedOffset(groupId, topic)) === '3', 30_000, 'second consumer committed');
    await second.close();
    return { effects, duplicates };
  }

  it('does not apply an effect twice when the store remembers it', async () => {
    const { effects, duplicates } = await scenario(createInMemoryIdempotencyStore());
    expect([...effects.values()]).toEqual([1, 1, 1]);
    expect(duplicates).toBe(3);
  });

  it('control: without an idempotency store the redelivered records run again', async () => {
    const { effects } = await scenario(false);
    expect([...effects.values()]).toEqual([2, 2, 2]);
  });
});
