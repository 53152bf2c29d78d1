import { IapError, ManualClock, createEnvelope, type PublishMessage } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { InMemoryKafka } from './__fixtures__/in-memory-kafka.js';
import { estimateRecordBytes } from './internal/record-size-estimate.js';
import { createKafkaPublisher } from './kafka-publisher.js';
import { encodeKafkaRecord } from './record-codec.js';

function message(destination: string, n: number, partitionKey = `k-${n}`): PublishMessage {
  const envelope = createEnvelope({ type: 'order.placed', source: '/orders', data: { n }, partitionKey });
  return { id: envelope.id, destination, partitionKey, headers: {}, envelope };
}

const sentCounts = (kafka: InMemoryKafka) => kafka.sends.map((s) => s.topicRecords.reduce((n, t) => n + t.records.length, 0));
const storedNumbers = (kafka: InMemoryKafka, topic: string) =>
  kafka
    .records(topic)
    .sort((a, b) => Number(a.offset) - Number(b.offset) || a.partition - b.partition)
    .map((r) => (JSON.parse(r.value!.toString()) as { n: number }).n);

/** Lets queued promise callbacks run (the publisher encodes and submits after a few microtasks). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('createKafkaPublisher: calls merged while requests are in flight', () => {
  it('sends calls that wait behind a request in flight as one request, in arrival order, each with its own results', async () => {
    const kafka = new InMemoryKafka();
    kafka.createTopic('orders', 1);
    kafka.pauseSends = true;
    const publisher = createKafkaPublisher({ transport: kafka, maxRequestsInFlight: 1 });
    const first = publisher.publish([message('orders', 1)]);
    await settle();
    const waiting = [publisher.publish([message('orders', 2), message('audit', 3)]), publisher.publish([message('orders', 4)])];
    await settle();
    expect(sentCounts(kafka)).toEqual([1]);
    kafka.pauseSends = false;
    kafka.releaseSends();
    const results = await Promise.all([first, ...waiting]);
    expect(results.map((r) => r.map((x) => x.ok))).toEqual([[true], [true, true], [true]]);
    // the two waiting calls went out together: one request for both topics
    expect(sentCounts(kafka)).toEqual([1, 3]);
    expect(kafka.sends[1]!.topicRecords.map((t) => t.topic)).toEqual(['orders', 'audit']);
    expect(storedNumbers(kafka, 'orders')).toEqual([1, 2, 4]);
  });

  it('sends at once while a slot is free, and merges no more than maxRequestBytes', async () => {
    const kafka = new InMemoryKafka();
    kafka.pauseSends = true;
    const sizeOfOne = estimateRecordBytes([encodeKafkaRecord(message('orders', 1).envelope, { key: 'k-1' })]);
    const publisher = createKafkaPublisher({ transport: kafka, maxRequestsInFlight: 2, maxRequestBytes: 2 * sizeOfOne });
    const calls = [1, 2, 3, 4, 5, 6].map((n) => publisher.publish([message('orders', n)]));
    await settle();
    expect(sentCounts(kafka)).toEqual([1, 1]);
    kafka.pauseSends = false;
    kafka.releaseSends();
    await Promise.all(calls);
    expect(sentCounts(kafka)).toEqual([1, 1, 2, 2]);
  });

  it('sends a call larger than maxRequestBytes alone and still merges the calls after it', async () => {
    const kafka = new InMemoryKafka();
    kafka.pauseSends = true;
    const sizeOfOne = estimateRecordBytes([encodeKafkaRecord(message('orders', 1).envelope, { key: 'k-1' })]);
    const publisher = createKafkaPublisher({ transport: kafka, maxRequestsInFlight: 1, maxRequestBytes: 2 * sizeOfOne });
    const first = publisher.publish([message('orders', 1)]);
    await settle();
    const waiting = [publisher.publish([message('orders', 2), message('orders', 3), message('orders', 4)]), publisher.publish([message('orders', 5)]), publisher.publish([message('orders', 6)])];
    await settle();
    kafka.pauseSends = false;
    kafka.releaseSends();
    await Promise.all([first, ...waiting]);
    expect(sentCounts(kafka)).toEqual([1, 3, 2]);
  });

  it('sends each call alone again when a merged request fails for good, so only the culprit call is isolated', async () => {
    const kafka = new InMemoryKafka();
    kafka.pauseSends = true;
    const tooLarge = new IapError('BROKER', 'Kafka send failed: message too large (MESSAGE_TOO_LARGE)', { retryable: false });
    // first request ok; the merged one fails; then: call 2 alone ok, call 3 alone fails, its records one by one: ok, too large
    kafka.sendFailures.push(undefined, tooLarge, undefined, tooLarge, undefined, tooLarge);
    const publisher = createKafkaPublisher({ transport: kafka, maxRequestsInFlight: 1 });
    const first = publisher.publish([message('orders', 1)]);
    await settle();
    const second = publisher.publish([message('orders', 2)]);
    const third = publisher.publish([message('orders', 3), message('orders', 4)]);
    await settle();
    kafka.pauseSends = false;
    kafka.releaseSends();
    expect((await first).map((r) => r.ok)).toEqual([true]);
    expect((await second).map((r) => r.ok)).toEqual([true]);
    const isolated = await third;
    expect(isolated.map((r) => r.ok)).toEqual([true, false]);
    expect(isolated[1]).toMatchObject({ retryable: false, error: { code: 'PUBLISH_FAILED' } });
    expect(sentCounts(kafka)).toEqual([1, 3, 1, 2, 1, 1]);
  });

  it('fails every merged call with a retryable broker failure, without sending again', async () => {
    const kafka = new InMemoryKafka();
    kafka.pauseSends = true;
    kafka.sendFailures.push(undefined, new IapError('BROKER', 'Kafka send failed: Connection error', { retryable: true }));
    const publisher = createKafkaPublisher({ transport: kafka, maxRequestsInFlight: 1 });
    const first = publisher.publish([message('orders', 1)]);
    await settle();
    const waiting = [publisher.publish([message('orders', 2)]), publisher.publish([message('orders', 3)])];
    await settle();
    kafka.pauseSends = false;
    kafka.releaseSends();
    await first;
    for (const results of await Promise.all(waiting)) expect(results[0]).toMatchObject({ ok: false, retryable: true });
    expect(sentCounts(kafka)).toEqual([1, 2]);
  });

  it('withdraws a waiting call whose caller gave up, and frees the slot of a request nobody waits for any more', async () => {
    const clock = new ManualClock(0);
    const kafka = new InMemoryKafka();
    kafka.hangSends = true;
    const publisher = createKafkaPublisher({ transport: kafka, clock, publishTimeoutMs: 5_000, maxRequestsInFlight: 1 });
    const hung = publisher.publish([message('orders', 1)]);
    await settle();
    const controller = new AbortController();
    const aborted = publisher.publish([message('orders', 2)], { signal: controller.signal });
    await settle();
    controller.abort();
    expect((await aborted)[0]).toMatchObject({ ok: false, retryable: true });
    // the aborted call never went out: only the hung request was sent
    expect(sentCounts(kafka)).toEqual([1]);
    await clock.advanceAsync(5_000);
    expect((await hung)[0]).toMatchObject({ ok: false, retryable: true });
    // nobody waits for the hung request any more: the next call is sent at once, not queued behind it
    kafka.hangSends = false;
    const next = publisher.publish([message('orders', 3)]);
    expect((await next)[0]).toMatchObject({ ok: true });
    expect(sentCounts(kafka)).toEqual([1, 1]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the slot while a merged request that failed for good is sent again call by call, so later calls never overtake it', async () => {
    const kafka = new InMemoryKafka();
    kafka.createTopic('orders', 1);
    kafka.pauseSends = true;
    const tooLarge = new IapError('BROKER', 'Kafka send failed: message too large (MESSAGE_TOO_LARGE)', { retryable: false });
    kafka.sendFailures.push(undefined, tooLarge);
    const publisher = createKafkaPublisher({ transport: kafka, maxRequestsInFlight: 1 });
    const first = publisher.publish([message('orders', 1)]);
    await settle();
    const merged = [publisher.publish([message('orders', 2)]), publisher.publish([message('orders', 3, 'k')])];
    await settle();
    kafka.releaseSends(); // the first request succeeds; the merged one goes out
    await first;
    await settle();
    const later = publisher.publish([message('orders', 4, 'k')]); // arrives while the merged request is in flight
    await settle();
    kafka.pauseSends = false;
    kafka.releaseSends(); // the merged request fails for good
    const results = await Promise.all([...merged, later]);
    expect(results.map((r) => r.map((x) => x.ok))).toEqual([[true], [true], [true]]);
    // the re-sends of 2 and 3 went out before the later call: key k keeps its order
    expect(sentCounts(kafka)).toEqual([1, 2, 1, 1, 1]);
    expect(storedNumbers(kafka, 'orders')).toEqual([1, 2, 3, 4]);
  });

  it('frees the slot of a merged request only when every caller stopped waiting', async () => {
    const kafka = new InMemoryKafka();
    kafka.pauseSends = true;
    const publisher = createKafkaPublisher({ transport: kafka, maxRequestsInFlight: 1 });
    const first = publisher.publish([message('orders', 1)]);
    await settle();
    const gaveUp = new AbortController();
    const merged = [publisher.publish([message('orders', 2)], { signal: gaveUp.signal }), publisher.publish([message('orders', 3)])];
    await settle();
    kafka.releaseSends(); // the first request succeeds; 2 and 3 go out merged and wait
    await first;
    await settle();
    gaveUp.abort();
    expect((await merged[0]!)[0]).toMatchObject({ ok: false, retryable: true });
    // call 3 still waits for the merged request: a new call queues behind it instead of taking its slot
    const next = publisher.publish([message('orders', 4)]);
    await settle();
    expect(sentCounts(kafka)).toEqual([1, 2]);
    kafka.pauseSends = false;
    kafka.releaseSends();
    expect((await merged[1]!)[0]).toMatchObject({ ok: true });
    expect((await next)[0]).toMatchObject({ ok: true });
    expect(sentCounts(kafka)).toEqual([1, 2, 1]);
  });

  it('frees the slot of requests whose callers timed out, and a late answer frees no second slot', async () => {
    const clock = new ManualClock(0);
    const kafka = new InMemoryKafka();
    kafka.pauseSends = true;
    const publisher = createKafkaPublisher({ transport: kafka, clock, publishTimeoutMs: 5_000, maxRequestsInFlight: 1 });
    const slow = publisher.publish([message('orders', 1)]);
    await settle();
    const queued = publisher.publish([message('orders', 2)]);
    await settle();
    expect(sentCounts(kafka)).toEqual([1]);
    await clock.advanceAsync(5_000);
    // the slow request's caller gave up first, which freed its slot for the queued call; then that
    // caller gave up too (same deadline), which freed the slot again
    expect((await slow)[0]).toMatchObject({ ok: false, retryable: true });
    expect((await queued)[0]).toMatchObject({ ok: false, retryable: true });
    expect(sentCounts(kafka)).toEqual([1, 1]);
    const next = publisher.publish([message('orders', 3)]);
    await settle();
    expect(sentCounts(kafka)).toEqual([1, 1, 1]);
    kafka.releaseSends(); // the abandoned requests answer late, and so does the next one
    await next;
    // one slot still: of three new calls the first goes out alone and the other two are merged
    const calls = [4, 5, 6].map((n) => publisher.publish([message('orders', n)]));
    await settle();
    kafka.pauseSends = false;
    kafka.releaseSends();
    await Promise.all(calls);
    expect(sentCounts(kafka)).toEqual([1, 1, 1, 1, 2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('estimates sizes without failing on header values of a wrong type', () => {
    const record = { key: Buffer.from('k'), value: Buffer.from('{}'), headers: { a: 'xy', b: [Buffer.from('1'), 'zz'], c: null, d: 42, e: undefined } } as never;
    expect(estimateRecordBytes([record])).toBe(24 + 1 + 2 + (2 + 1 + 2) + (2 + 1 + 1) + (2 + 1 + 2) + (2 + 1) + (2 + 1));
  });

  it('validates maxRequestsInFlight and maxRequestBytes', () => {
    const kafka = new InMemoryKafka();
    for (const bad of [{ maxRequestsInFlight: 0 }, { maxRequestsInFlight: 1.5 }, { maxRequestBytes: 0 }, { maxRequestBytes: Number.NaN }]) {
      expect(() => createKafkaPublisher({ transport: kafka, ...bad })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });
});
