import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './__fixtures__/consumer-harness.js';
import { readDeadLetterHeaders, RetryHeaders } from './dead-letter-headers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.consumer.close();
  harness = undefined;
});

const noInProcessRetry = { maxAttempts: 1 } as const;

describe('onRetriesExhausted: retry-topics', () => {
  it('forwards to <topic>-retry-n with due-time headers, waits until due, then dead-letters', async () => {
    const calls: Array<{ topic: string; at: number; deliveryAttempt: number }> = [];
    harness = await startHarness(
      {
        retry: noInProcessRetry,
        onRetriesExhausted: { mode: 'retry-topics', delaysMs: [10_000, 60_000] },
        handler: (_event, context) => {
          calls.push({ topic: context.topic, at: harness!.clock.now(), deliveryAttempt: context.deliveryAttempt });
          throw new Error('downstream unavailable');
        },
      },
      (kafka) => {
        kafka.createTopic('orders-retry-1');
        kafka.createTopic('orders-retry-2');
      },
    );
    const start = harness.clock.now();
    const original = harness.publish('orders', { data: { n: 1 }, partitionKey: 'o-1' });
    harness.publish('orders', { data: { n: 2 }, partitionKey: 'o-2' });
    await harness.pumpUntil(() => harness!.seen.deadLettered.length === 2, { stepMs: 500 });

    // the main partition was never blocked: both records left it right away
    expect(calls.filter((c) => c.topic === 'orders')).toHaveLength(2);
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('2');
    const retry1 = calls.filter((c) => c.topic === 'orders-retry-1');
    const retry2 = calls.filter((c) => c.topic === 'orders-retry-2');
    expect(retry1.map((c) => c.deliveryAttempt)).toEqual([2, 2]);
    expect(retry2.map((c) => c.deliveryAttempt)).toEqual([3, 3]);
    // never processed before it was due
    for (const c of retry1) expect(c.at - start).toBeGreaterThanOrEqual(10_000);
    for (const c of retry2) expect(c.at - start).toBeGreaterThanOrEqual(70_000);
    expect(harness.seen.paused.some((p) => p.reason === 'not-due' && p.topic === 'orders-retry-1')).toBe(true);

    const [forwarded] = harness.kafka.records('orders-retry-1');
    expect(forwarded!.key).toEqual(original.key);
    expect(forwarded!.value).toEqual(original.value);
    const info = readDeadLetterHeaders(forwarded!.headers);
    expect(info).toMatchObject({ originalTopic: 'orders', originalPartition: 0, originalOffset: '0', retryAttempt: 2, exceptionMessage: 'downstream unavailable' });
    expect(info!.retryDueAt! - Number(original.timestamp)).toBeGreaterThan(0);

    // the dead letter still describes the main-topic record, and carries the last failure only once
    const dead = harness.kafka.records('orders-dlt')[0]!;
    expect(readDeadLetterHeaders(dead.headers)).toMatchObject({ originalTopic: 'orders', originalOffset: '0', retryAttempt: 3 });
    expect(dead.headers[RetryHeaders.DUE_AT]).toBeUndefined();
    expect(Array.isArray(dead.headers['kafka_dlt-exception-message'])).toBe(false);
    expect(harness.seen.forwarded.map((f) => f.retryTopic)).toEqual(['orders-retry-1', 'orders-retry-1', 'orders-retry-2', 'orders-retry-2']);
  });

  it('succeeds from a retry topic and commits it', async () => {
    let calls = 0;
    harness = await startHarness(
      {
        retry: noInProcessRetry,
        onRetriesExhausted: { mode: 'retry-topics', delaysMs: [1_000] },
        handler: () => {
          if (++calls === 1) throw new Error('first try fails');
        },
      },
      (kafka) => kafka.createTopic('orders-retry-1'),
    );
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.seen.processed.length === 1);
    expect(harness.seen.processed[0]).toMatchObject({ topic: 'orders-retry-1' });
    expect(harness.kafka.committedOffset('g1', 'orders-retry-1')).toBe('1');
    expect(harness.kafka.records('orders-dlt')).toHaveLength(0);
  });

  it('sends non-retryable failures straight to the dead-letter topic, skipping retry topics', async () => {
    harness = await startHarness(
      {
        onRetriesExhausted: { mode: 'retry-topics', delaysMs: [1_000] },
        handler: () => {
          throw new RangeError('quantity out of range');
        },
      },
      (kafka) => kafka.createTopic('orders-retry-1'),
    );
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.seen.deadLettered.length === 1);
    expect(harness.kafka.records('orders-retry-1')).toHaveLength(0);
  });
});

describe('onRetriesExhausted: block', () => {
  it('pauses and seeks back to the failed record, keeps order, and never dead-letters it', async () => {
    const order: number[] = [];
    let failuresLeft = 3;
    harness = await startHarness({
      retry: noInProcessRetry,
      onRetriesExhausted: { mode: 'block', backoff: { backoff: { kind: 'exponential', initialDelayMs: 1_000, multiplier: 2 } } },
      handler: (event) => {
        const n = (event.data as { n: number }).n;
        if (n === 2 && failuresLeft-- > 0) throw new Error('blocked on n=2');
        order.push(n);
      },
    });
    for (const n of [1, 2, 3]) harness.publish('orders', { data: { n } });
    await harness.pumpUntil(() => order.length === 3, { stepMs: 250 });
    expect(order).toEqual([1, 2, 3]);
    expect(harness.seen.paused.map((p) => [p.offset, p.delayMs, p.reason])).toEqual([
      ['1', 1_000, 'blocked'],
      ['1', 2_000, 'blocked'],
      ['1', 4_000, 'blocked'],
    ]);
    expect(harness.kafka.records('orders-dlt')).toHaveLength(0);
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('3');
  });

  it('still dead-letters records that can never succeed (decode failures)', async () => {
    harness = await startHarness({ onRetriesExhausted: { mode: 'block' }, handler: () => undefined });
    harness.kafka.append('orders', { key: null, value: Buffer.from('x'), headers: {} });
    await harness.pumpUntil(() => harness!.seen.deadLettered.length === 1);
    expect(harness.seen.paused).toHaveLength(0);
  });
});
