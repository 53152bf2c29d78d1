import { describe, expect, it } from 'vitest';
import { InMemoryKafka } from './__fixtures__/in-memory-kafka.js';
import { ensureTopics } from './topic-setup.js';

describe('ensureTopics', () => {
  it('creates main, retry and dead-letter topics once and reports what it created', async () => {
    const kafka = new InMemoryKafka();
    kafka.createTopic('orders', 6);
    const result = await ensureTopics({ transport: kafka, topics: ['orders', 'payments'], partitions: 6, retryTopics: 2 });
    expect(result.topics).toEqual(['orders', 'orders-retry-1', 'orders-retry-2', 'orders-dlt', 'payments', 'payments-retry-1', 'payments-retry-2', 'payments-dlt']);
    expect(result.created).toEqual(result.topics.filter((t) => t !== 'orders'));
    expect(kafka.logs.get('payments-dlt')).toHaveLength(6);
    expect((await ensureTopics({ transport: kafka, topics: ['orders'], retryTopics: 2 })).created).toEqual([]);
  });

  it('honours custom names and can skip the dead-letter topic', async () => {
    const kafka = new InMemoryKafka();
    const result = await ensureTopics({ transport: kafka, topics: ['a'], retryTopics: 1, deadLetter: false, retryTopic: (t, n) => `${t}.retry.${n}` });
    expect(result.topics).toEqual(['a', 'a.retry.1']);
  });

  it('rejects invalid options with INVALID_OPTIONS', async () => {
    const kafka = new InMemoryKafka();
    for (const bad of [{ topics: [] }, { topics: ['a'], partitions: 0 }, { topics: ['a'], retryTopics: -1 }, { topics: ['a'], replicationFactor: 1.5 }]) {
      await expect(ensureTopics({ transport: kafka, ...bad })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    }
  });
});
