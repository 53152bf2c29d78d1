import { IapError, ManualClock, createEnvelope, createInMemoryIdempotencyStore } from '@iap/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startHarness, type Harness } from '../__fixtures__/consumer-harness.js';
import type { ConsumedRecord } from '../consumer-options.js';
import { createConsumer } from './create-consumer.js';
import { DeadLetterHeaders, readDeadLetterHeaders } from '../dead-letter-headers.js';
import { InMemoryKafka } from '../__fixtures__/in-memory-kafka.js';
import type { Envelope } from '@iap/core';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.consumer.close();
  harness = undefined;
});

describe('createConsumer: the happy path', () => {
  it('decodes both modes, runs the handler in partition order and commits after the batch', async () => {
    const handled: Array<{ id: string; data: unknown; offset: string }> = [];
    harness = await startHarness({ handler: (event, context) => void handled.push({ id: event.id, data: event.data, offset: context.offset }) });
    harness.publish('orders', { data: { n: 1 } });
    harness.publish('orders', { data: { n: 2 } }, 'structured');
    harness.publish('orders', { data: { n: 3 } });
    await harness.pumpUntil(() => handled.length === 3);
    expect(handled.map((h) => h.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(handled.map((h) => h.offset)).toEqual(['0', '1', '2']);
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('3');
    expect(harness.seen.processed).toHaveLength(3);
    expect(harness.seen.lag.at(-1)).toEqual({ topic: 'orders', partition: 0, lag: 0 });
  });

  it('gives the handler its context: topics, key, headers, attempts and a close signal', async () => {
    const contexts: unknown[] = [];
    harness = await startHarness({ handler: (_event, context) => void contexts.push({ ...context, headers: Object.keys(context.headers).sort() }) });
    harness.publish('orders', { data: 1, partitionKey: 'o-1' });
    await harness.pumpUntil(() => contexts.length === 1);
    expect(contexts[0]).toMatchObject({ topic: 'orders', sourceTopic: 'orders', partition: 0, offset: '0', attempt: 1, deliveryAttempt: 1, key: Buffer.from('o-1') });
    expect((contexts[0] as { signal: AbortSignal }).signal.aborted).toBe(false);
  });

  it('validates data by type and version and hands the schema output to the handler', async () => {
    const handled: Envelope[] = [];
    harness = await startHarness({
      schemas: { 'order.placed': { '1': z.object({ total: z.coerce.number() }), '2': z.object({ total: z.number(), currency: z.string() }) } },
      handler: (event) => void handled.push(event),
    });
    harness.publish('orders', { data: { total: '12.5' } });
    harness.publish('orders', { data: { total: 3, currency: 'EUR' }, schemaVersion: '2' });
    await harness.pumpUntil(() => handled.length === 2);
    expect(handled.map((e) => e.data)).toEqual([{ total: 12.5 }, { total: 3, currency: 'EUR' }]);
  });

  it('skips a redelivered event the idempotency store has seen', async () => {
    let calls = 0;
    harness = await startHarness({ handler: () => void calls++ });
    const record = harness.publish('orders', { data: 1, id: 'same' });
    harness.kafka.append('orders', { key: record.key, value: record.value, headers: record.headers });
    await harness.pumpUntil(() => harness!.kafka.committedOffset('g1', 'orders') === '2');
    expect(calls).toBe(1);
    expect(harness.seen.duplicate).toEqual([{ topic: 'orders', partition: 0, offset: '1', idempotencyKey: '/orders#same' }]);
  });
});

describe('createConsumer: records that are not CloudEvents, through the decode option', () => {
  const decode = (record: ConsumedRecord): Envelope => {
    const body = JSON.parse(record.value!.toString('utf8')) as { orderId: string; total: number };
    return createEnvelope({ id: `${record.topic}/${record.partition}/${record.offset}`, type: 'legacy.order', source: '/legacy-erp', data: body, partitionKey: body.orderId });
  };

  it('hands the envelopes it builds to the handler, validated by schema, and commits', async () => {
    const handled: Envelope[] = [];
    harness = await startHarness({ decode, schemas: { 'legacy.order': { '1': z.object({ orderId: z.string(), total: z.number() }) } }, handler: (event) => void handled.push(event) });
    harness.kafka.append('orders', { key: Buffer.from('o-1'), value: Buffer.from('{"orderId":"o-1","total":12.5}'), headers: {} });
    harness.kafka.append('orders', { key: Buffer.from('o-2'), value: Buffer.from('{"orderId":"o-2","total":3}'), headers: {} });
    await harness.pumpUntil(() => handled.length === 2);
    expect(handled.map((e) => [e.id, e.type, e.data])).toEqual([
      ['orders/0/0', 'legacy.order', { orderId: 'o-1', total: 12.5 }],
      ['orders/0/1', 'legacy.order', { orderId: 'o-2', total: 3 }],
    ]);
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('2');
  });

  it('dead-letters what decode rejects or returns invalid, naming neither payload nor message, and keeps consuming', async () => {
    const handled: string[] = [];
    harness = await startHarness({
      decode: (record) => (record.offset === '1' ? ({ id: '', type: 'x' } as unknown as Envelope) : decode(record)),
      handler: (event) => void handled.push(event.id),
    });
    harness.kafka.append('orders', { key: null, value: Buffer.from('{"orderId": "secret-42", '), headers: {} });
    harness.kafka.append('orders', { key: null, value: Buffer.from('{}'), headers: {} });
    harness.kafka.append('orders', { key: null, value: Buffer.from('{"orderId":"o-3","total":1}'), headers: {} });
    await harness.pumpUntil(() => handled.length === 1);
    expect(handled).toEqual(['orders/0/2']);
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('3');
    const dead = harness.kafka.records('orders-dlt');
    expect(dead).toHaveLength(2);
    const messages = dead.map((record) => (record.headers as Record<string, Buffer>)[DeadLetterHeaders.EXCEPTION_MESSAGE]!.toString());
    expect(messages[0]).toContain('decode function rejected it (SyntaxError)');
    expect(messages[0]).not.toContain('secret-42');
    expect(messages[1]).toContain('returned an invalid envelope');
    expect(messages[1]).toContain('source: required');
    expect(harness.seen.deadLettered.map((e) => e.error.code)).toEqual(['MESSAGE_DECODE', 'MESSAGE_DECODE']);
  });
});

describe('createConsumer: with an asynchronous idempotency store', () => {
  it('claims, completes, skips duplicates and releases failed claims through the store', async () => {
    const store = createInMemoryIdempotencyStore();
    let calls = 0;
    harness = await startHarness({
      idempotencyStore: store,
      retry: { maxAttempts: 2, backoff: { kind: 'constant', delayMs: 10 } },
      handler: async (event) => {
        calls++;
        await Promise.resolve();
        if ((event.data as number) === 1 && calls === 1) throw new Error('once');
      },
    });
    const record = harness.publish('orders', { data: 1, id: 'a' });
    harness.kafka.append('orders', { key: record.key, value: record.value, headers: record.headers });
    await harness.pumpUntil(() => harness!.kafka.committedOffset('g1', 'orders') === '2');
    expect(calls).toBe(2);
    expect(harness.seen.duplicate).toHaveLength(1);
    expect(await store.get('/orders#a')).toMatchObject({ state: 'completed' });
  });

  it('waits while another worker holds the claim, then takes over when its lease expires', async () => {
    const store = createInMemoryIdempotencyStore({ clock: new ManualClock(1_700_000_000_000) });
    let calls = 0;
    harness = await startHarness({ idempotencyStore: store, heartbeatIntervalMs: 1_000, handler: () => void calls++ });
    // the store's own clock is separate: a foreign claim that never expires on the harness clock
    await store.claim('/orders#held', { leaseMs: 60_000 });
    harness.publish('orders', { data: 1, id: 'held' });
    const polled = harness.fake.poll();
    await harness.clock.advanceAsync(5_000);
    expect(calls).toBe(0);
    expect(harness.fake.heartbeats).toBeGreaterThan(0);
    await harness.consumer.close();
    await polled;
    expect(harness.kafka.committedOffset('g1', 'orders')).toBeUndefined();
  });

  it('pauses the partition when the store fails, and never dead-letters for it', async () => {
    let failing = true;
    const store = createInMemoryIdempotencyStore();
    const flaky = { ...store, claim: (key: string, options: { leaseMs: number }) => (failing ? Promise.reject(new Error('connection refused')) : store.claim(key, options)) };
    let calls = 0;
    harness = await startHarness({ idempotencyStore: flaky, handler: () => void calls++ });
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.seen.paused.length === 1);
    expect(harness.seen.paused[0]).toMatchObject({ reason: 'store-unavailable', offset: '0' });
    expect(harness.errors.map((e) => e.code)).toEqual(['STORE_FAILED']);
    failing = false;
    await harness.pumpUntil(() => calls === 1);
    expect(harness.kafka.records('orders-dlt')).toHaveLength(0);
  });
});

describe('createConsumer: poison records go to the dead-letter topic', () => {
  it('dead-letters an undecodable record byte for byte with Spring headers and keeps consuming', async () => {
    const handled: string[] = [];
    harness = await startHarness({ handler: (event) => void handled.push(event.id) });
    const poison = harness.kafka.append('orders', { key: Buffer.from('k-1'), value: Buffer.from('{not json'), headers: { 'x-trace': Buffer.from([1, 2, 3]), ce_specversion: '1.0', dup: [Buffer.from('a'), Buffer.from('b')] } });
    harness.publish('orders', { data: 2 });
    await harness.pumpUntil(() => handled.length === 1);
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('2');
    const [dead] = harness.kafka.records('orders-dlt');
    expect(dead).toBeDefined();
    expect(dead!.key).toEqual(poison.key);
    expect(dead!.value).toEqual(poison.value);
    for (const name of ['x-trace', 'ce_specversion', 'dup']) expect(dead!.headers[name]).toEqual(poison.headers[name]);
    const h = dead!.headers as Record<string, Buffer>;
    expect(h[DeadLetterHeaders.ORIGINAL_TOPIC]!.toString()).toBe('orders');
    expect(h[DeadLetterHeaders.ORIGINAL_PARTITION]).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(h[DeadLetterHeaders.ORIGINAL_OFFSET]).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]));
    expect(h[DeadLetterHeaders.ORIGINAL_TIMESTAMP]!.readBigInt64BE(0)).toBe(BigInt(poison.timestamp));
    expect(h[DeadLetterHeaders.ORIGINAL_TIMESTAMP_TYPE]!.toString()).toBe('CreateTime');
    expect(h[DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP]!.toString()).toBe('g1');
    expect(h[DeadLetterHeaders.EXCEPTION_FQCN]!.toString()).toBe('IapError:MESSAGE_DECODE');
    expect(h[DeadLetterHeaders.EXCEPTION_MESSAGE]!.toString()).toContain('orders[0]@0');
    expect(h[DeadLetterHeaders.EXCEPTION_STACKTRACE]!.toString()).toContain('IapError');
    expect(harness.seen.deadLettered[0]).toMatchObject({ topic: 'orders', offset: '0', deadLetterTopic: 'orders-dlt', error: { code: 'MESSAGE_DECODE' } });
  });

  it('dead-letters invalid data and unknown schema versions without calling the handler', async () => {
    let calls = 0;
    harness = await startHarness({ schemas: { 'order.placed': { '1': z.object({ total: z.number() }) } }, handler: () => void calls++ });
    harness.publish('orders', { data: { total: 'x' } });
    harness.publish('orders', { data: { total: 1 }, schemaVersion: '9' });
    harness.publish('orders', { data: { total: 1 }, type: 'order.unknown' });
    await harness.pumpUntil(() => harness!.kafka.records('orders-dlt').length === 3);
    expect(calls).toBe(0);
    expect(harness.seen.deadLettered.map((d) => d.error.code)).toEqual(['VALIDATION', 'UNKNOWN_SCHEMA_VERSION', 'UNKNOWN_SCHEMA_VERSION']);
    expect(harness.seen.deadLettered[0]!.error.message).toContain('data.total');
    expect(readDeadLetterHeaders(harness.kafka.records('orders-dlt')[1]!.headers)?.exceptionFqcn).toBe('IapError:UNKNOWN_SCHEMA_VERSION');
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('3');
  });

  it('sends errors that are not retryable straight to the dead-letter topic', async () => {
    let calls = 0;
    harness = await startHarness({
      handler: () => {
        calls++;
        throw new TypeError("Cannot read properties of undefined (reading 'sku')");
      },
    });
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.seen.deadLettered.length === 1);
    expect(calls).toBe(1);
    const info = readDeadLetterHeaders(harness.kafka.records('orders-dlt')[0]!.headers);
    expect(info).toMatchObject({ originalTopic: 'orders', originalPartition: 0, originalOffset: '0', exceptionFqcn: 'TypeError', exceptionMessage: "Cannot read properties of undefined (reading 'sku')" });
  });
});

describe('createConsumer: retryable handler errors', () => {
  it('retries in process with backoff while heartbeating, then succeeds', async () => {
    let calls = 0;
    harness = await startHarness({
      retry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 5_000 }, jitter: 'none' },
      heartbeatIntervalMs: 1_000,
      handler: () => {
        if (++calls < 3) throw new Error('ERP is down');
      },
    });
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.seen.processed.length === 1);
    expect(calls).toBe(3);
    expect(harness.seen.retrying.map((r) => [r.attempt, r.delayMs, r.error.code])).toEqual([
      [1, 5_000, 'HANDLER_FAILED'],
      [2, 5_000, 'HANDLER_FAILED'],
    ]);
    expect(harness.fake.heartbeats).toBeGreaterThanOrEqual(10);
    expect(harness.seen.processed[0]).toMatchObject({ attempt: 3 });
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('1');
  });

  it('uses a retry-after hint from the error', async () => {
    let calls = 0;
    harness = await startHarness({
      retry: { maxAttempts: 2, maxDelayMs: 10_000 },
      handler: () => {
        if (++calls === 1) throw new IapError('RATE_LIMITED', 'slow down', { retryable: true, retryAfterMs: 7_000 });
      },
    });
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.seen.processed.length === 1);
    expect(harness.seen.retrying[0]!.delayMs).toBe(7_000);
  });

  it('dead-letters once the in-process retries are spent (default policy) and commits after the write', async () => {
    harness = await startHarness({
      retry: { maxAttempts: 2, backoff: { kind: 'constant', delayMs: 100 } },
      handler: () => {
        throw new Error('still down');
      },
    });
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.kafka.committedOffset('g1', 'orders') === '1');
    expect(harness.seen.retrying).toHaveLength(1);
    expect(harness.seen.deadLettered[0]!.error.code).toBe('HANDLER_FAILED');
    expect(readDeadLetterHeaders(harness.kafka.records('orders-dlt')[0]!.headers)?.exceptionMessage).toBe('still down');
  });

  it('does not commit while the dead-letter write fails, and retries the write', async () => {
    harness = await startHarness({ handler: () => undefined }, (kafka) => {
      kafka.sendFailures.push(new IapError('BROKER', 'broker down', { retryable: true }), new IapError('BROKER', 'broker down', { retryable: true }));
    });
    harness.kafka.append('orders', { key: null, value: Buffer.from('garbage'), headers: {} });
    let committedDuringFailures: string | undefined = 'unset';
    harness.consumer.events.on('error', () => (committedDuringFailures = harness!.kafka.committedOffset('g1', 'orders')));
    await harness.pumpUntil(() => harness!.kafka.committedOffset('g1', 'orders') === '1');
    expect(committedDuringFailures).toBeUndefined();
    expect(harness.errors.map((e) => e.code)).toEqual(['DEAD_LETTER_FAILED', 'DEAD_LETTER_FAILED']);
    expect(harness.kafka.records('orders-dlt')).toHaveLength(1);
  });

  it('abandons a retry wait when the group rebalances; the record is fetched again', async () => {
    let calls = 0;
    harness = await startHarness({
      retry: { maxAttempts: 5, backoff: { kind: 'constant', delayMs: 3_000 }, jitter: 'none' },
      heartbeatIntervalMs: 1_000,
      handler: () => {
        if (++calls === 1) throw new Error('transient');
      },
    });
    harness.fake.heartbeatFailures = 1;
    harness.publish('orders', { data: 1 });
    await harness.pumpUntil(() => harness!.seen.processed.length === 1);
    expect(calls).toBe(2);
    expect(harness.seen.processed[0]).toMatchObject({ attempt: 1 });
  });
});

describe('createConsumer: lifecycle and options', () => {
  it('drains a running handler on close, commits it and aborts the handler signal', async () => {
    let release!: () => void;
    let signal: AbortSignal | undefined;
    harness = await startHarness({
      handler: (_event, context) => {
        signal = context.signal;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    harness.publish('orders', { data: 1 });
    harness.publish('orders', { data: 2 });
    const polled = harness.fake.poll();
    await harness.clock.advanceAsync(0);
    const closed = harness.consumer.close();
    await harness.clock.advanceAsync(0);
    expect(signal?.aborted).toBe(true);
    release();
    await closed;
    await polled;
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('1');
    expect(harness.seen.processed).toHaveLength(1);
    expect(harness.seen.closed).toEqual([{ groupId: 'g1' }]);
    await expect(harness.consumer.start()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('rejects invalid options at construction with INVALID_OPTIONS', () => {
    const transport = new InMemoryKafka();
    const base = { transport, groupId: 'g', topics: ['t'], handler: () => undefined };
    const bad: Array<Record<string, unknown>> = [
      { groupId: '' },
      { topics: [] },
      { handler: 'nope' },
      { keyConcurrency: 0 },
      { retry: { maxAttempts: 0 } },
      { onRetriesExhausted: { mode: 'retry-topics', delaysMs: [] } },
      { onRetriesExhausted: { mode: 'sideways' } },
      { schemas: { t: { '1': {} } } },
      { idempotencyStore: 'memory' },
      { heartbeatIntervalMs: -1 },
      { decode: 'cloudevents' },
      { heartbeatIntervalMs: 30_000, sessionTimeoutMs: 30_000 },
      { heartbeatIntervalMs: 10_000, sessionTimeoutMs: 6_000 },
      { fromBeginning: 'yes' },
    ];
    for (const override of bad) {
      expect(() => createConsumer({ ...base, ...override }), JSON.stringify(override)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });

  it('names the option that is wrong', () => {
    const base = { transport: new InMemoryKafka(), groupId: 'g', topics: ['a'], handler: () => undefined };
    expect(() => createConsumer({ ...base, heartbeatIntervalMs: 45_000 })).toThrow(/heartbeatIntervalMs \(45000\) must be below sessionTimeoutMs \(30000\)/);
    expect(() => createConsumer({ ...base, fromBeginning: 1 as unknown as boolean })).toThrow(/fromBeginning must be a boolean/);
  });

  it('holds the process open from start() to close(), unless keepProcessAlive is false', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const consumer = createConsumer({ transport: new InMemoryKafka(), groupId: 'g', topics: ['a'], handler: () => undefined, clock: new ManualClock(0) });
    await consumer.start();
    expect(timers()).toBe(before + 1);
    await consumer.close();
    expect(timers()).toBe(before);
    const loose = createConsumer({ transport: new InMemoryKafka(), groupId: 'g', topics: ['a'], handler: () => undefined, clock: new ManualClock(0), keepProcessAlive: false });
    await loose.start();
    expect(timers()).toBe(before);
    await loose.close();
  });

  it('installs no process signal listener unless asked', async () => {
    const before = process.listenerCount('SIGTERM');
    const consumer = createConsumer({ transport: new InMemoryKafka(), groupId: 'g', topics: ['a'], handler: () => undefined });
    await consumer.start();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    await consumer.close();
  });

  it('keeps trying to join while the broker is unreachable, and starts once it answers', async () => {
    const clock = new ManualClock(0);
    const transport = new InMemoryKafka();
    const refused = () => new IapError('BROKER', 'Kafka consumer connect failed: connect ECONNREFUSED', { retryable: true, details: { failure: 'transport' } });
    transport.connectFailures.push(refused(), refused());
    const consumer = createConsumer({ transport, groupId: 'g', topics: ['a'], handler: () => undefined, clock });
    const errors: string[] = [];
    consumer.events.on('error', (e) => errors.push(e.error.message));
    let started = false;
    const starting = consumer.start().then(() => (started = true));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(started).toBe(false);
    clock.advance(30_000);
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    clock.advance(30_000);
    await starting;
    expect(started).toBe(true);
    expect(errors[0]).toMatch(/joining the consumer group failed \(attempt 1\); trying again in \d+ ms/);
    expect(transport.consumers).toHaveLength(3);
    await consumer.close();
  });

  it('rejects start() at once for a failure that is not retryable, and with CLOSED when closed while waiting', async () => {
    const transport = new InMemoryKafka();
    transport.connectFailures.push(new IapError('BROKER', 'Kafka consumer connect failed (GROUP_AUTHORIZATION_FAILED)', { retryable: false, details: { failure: 'configuration' } }));
    const consumer = createConsumer({ transport, groupId: 'g', topics: ['a'], handler: () => undefined });
    await expect(consumer.start()).rejects.toMatchObject({ code: 'BROKER', retryable: false });

    const waiting = new InMemoryKafka();
    waiting.connectFailures.push(new IapError('BROKER', 'connect ECONNREFUSED', { retryable: true }));
    const second = createConsumer({ transport: waiting, groupId: 'g', topics: ['a'], handler: () => undefined, clock: new ManualClock(0) });
    const errors: unknown[] = [];
    second.events.on('error', (e) => errors.push(e));
    const starting = second.start();
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    await second.close();
    await expect(starting).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('re-creates the client when it crashed for a transport reason without restarting itself', async () => {
    const transport = new InMemoryKafka();
    const consumer = createConsumer({ transport, groupId: 'g', topics: ['a'], handler: () => undefined });
    await consumer.start();
    const [first] = transport.consumers;
    first!.emit({ kind: 'crash', error: new IapError('BROKER', 'Kafka consumer run failed: connect ECONNREFUSED', { retryable: true }), restarting: false });
    await vi.waitFor(() => expect(transport.consumers).toHaveLength(2));
    await consumer.close();
  });

  it('subscribes to retry topics only when the policy uses them', () => {
    const transport = new InMemoryKafka();
    const base = { transport, groupId: 'g', topics: ['a', 'b'], handler: () => undefined, shutdownSignals: [] };
    expect(createConsumer(base).topics).toEqual(['a', 'b']);
    expect(createConsumer({ ...base, onRetriesExhausted: { mode: 'retry-topics', delaysMs: [1_000, 5_000] } }).topics).toEqual(['a', 'b', 'a-retry-1', 'a-retry-2', 'b-retry-1', 'b-retry-2']);
  });
});

describe('createConsumer: metrics hooks', () => {
  it('reports processed, retried, dead-lettered, handler latency and lag through telemetry', async () => {
    const counters: Array<[string, number]> = [];
    const histograms: string[] = [];
    const gauges: Array<[string, number]> = [];
    let calls = 0;
    harness = await startHarness({
      retry: { maxAttempts: 2, backoff: { kind: 'constant', delayMs: 10 } },
      telemetry: {
        counter: (name, value) => void counters.push([name, value]),
        histogram: (name) => void histograms.push(name),
        gauge: (name, value) => void gauges.push([name, value]),
      },
      handler: (event) => {
        if ((event.data as number) === 2) throw new Error(`failure ${++calls}`);
      },
    });
    harness.publish('orders', { data: 1 });
    harness.publish('orders', { data: 2 });
    harness.publish('orders', { data: 3 });
    await harness.pumpUntil(() => harness!.kafka.committedOffset('g1', 'orders') === '3');
    const total = (name: string) => counters.filter(([n]) => n === name).reduce((s, [, v]) => s + v, 0);
    expect(total('iap.kafka.consumer.processed')).toBe(2);
    expect(total('iap.kafka.consumer.retried')).toBe(1);
    expect(total('iap.kafka.consumer.dead_lettered')).toBe(1);
    expect(histograms.filter((n) => n === 'iap.kafka.consumer.handler.duration_ms')).toHaveLength(4);
    expect(gauges.at(-1)).toEqual(['iap.kafka.consumer.lag', 0]);
  });
});
