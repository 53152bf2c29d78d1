import { describe, expect, it } from 'vitest';
import { createEnvelope, type Envelope } from '../envelope.js';
import { ErrorCode } from '../error-codes.js';
import { IapError } from '../iap-error.js';
import { createInMemoryIdempotencyStore } from '../in-memory-idempotency-store.js';
import { ManualClock } from '../manual-clock.js';
import { createRetryPolicy } from '../retry-policy.js';
import type { StandardSchemaV1 } from '../standard-schema.js';
import type { BrokerAdapter, ConsumeDelivery } from './broker-adapter.js';
import { createClaimStore, type ClaimStore } from './claim-store.js';
import { CONSUME_DONE, type ConsumeOutcome } from './consume-outcome.js';
import { createConsumePipeline, type ConsumePipelineOptions } from './consume-pipeline.js';

/** A message of a tiny in-memory queue: an envelope, or no body at all (undecodable). */
interface QueueMessage {
  readonly id: number;
  readonly body: Envelope | undefined;
  readonly redeliveries: number;
  readonly dueAt?: number;
}
interface QueueDelivery extends QueueMessage, ConsumeDelivery {}

type Handler = (event: Envelope, attempt: number) => unknown;

/** A queue broker in a few lines: acks, dead letters, delayed redeliveries, waits on a manual clock. */
function tinyQueue(handler: Handler, options: Partial<ConsumePipelineOptions<QueueMessage, QueueDelivery>> = {}) {
  const clock = new ManualClock(1_000);
  const deadLetters: { id: number; code: string; recorded: unknown }[] = [];
  const redelivered: { id: number; code: string }[] = [];
  const errors: IapError[] = [];
  const waits: number[] = [];
  const seen = { handled: [] as number[], duplicates: [] as string[], retrying: [] as number[] };
  let stopWaits = false;
  const adapter: BrokerAdapter<QueueMessage, QueueDelivery> = {
    notDueInMs: (m) => (m.dueAt === undefined ? 0 : m.dueAt - clock.now()),
    deliveryAttempt: (m) => m.redeliveries + 1,
    decode: (m) => m.body ?? new IapError(ErrorCode.MESSAGE_DECODE, `message ${m.id} has no body`),
    toDelivery: (m, event, key, deliveryAttempt) => ({ ...m, event, key, deliveryAttempt }),
    invoke: (d, attempt) => handler(d.event, attempt),
    wait: (_d, ms) => {
      waits.push(ms);
      clock.advance(ms);
      return Promise.resolve(!stopWaits);
    },
    deadLetter: (m, error, recorded) => {
      deadLetters.push({ id: m.id, code: error.code, recorded });
      return CONSUME_DONE;
    },
    retriesExhausted: (d, error) => {
      redelivered.push({ id: d.id, code: error.code });
      return CONSUME_DONE;
    },
    handlerFailedError: (d, attempt, failure, retryable) => new IapError(ErrorCode.HANDLER_FAILED, `handler failed for message ${d.id} (attempt ${attempt})`, { cause: failure, retryable }),
    describe: (m) => `message ${m.id}`,
    details: (m) => ({ messageId: m.id }),
    isStopping: () => false,
    onError: (error) => errors.push(error),
  };
  const pipeline = createConsumePipeline<QueueMessage, QueueDelivery>({
    adapter,
    hooks: {
      handled: (d) => seen.handled.push(d.id),
      duplicate: (_d, key) => seen.duplicates.push(key),
      retrying: (_d, attempt) => seen.retrying.push(attempt),
    },
    retryPolicy: createRetryPolicy({ maxAttempts: 3, backoff: { kind: 'constant', delayMs: 100 }, jitter: 'none' }),
    clock,
    unexpectedPauseMs: 500,
    ...options,
  });
  return {
    clock,
    deadLetters,
    redelivered,
    errors,
    waits,
    seen,
    stopWaits: () => (stopWaits = true),
    deliver: (m: Partial<QueueMessage> & { id: number }): ConsumeOutcome | Promise<ConsumeOutcome> => pipeline.deliver({ body: order(m.id), redeliveries: 0, ...m }),
  };
}

const order = (id: number, data: unknown = { orderId: `o-${id}` }, schemaVersion = '1'): Envelope =>
  createEnvelope({ id: `evt-${id}`, type: 'order.placed', source: '/shop', data, schemaVersion });

/** A Standard Schema that accepts `{ orderId: string }` and upper-cases it. */
const orderSchema: StandardSchemaV1<unknown, { orderId: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) =>
      typeof value === 'object' && value !== null && typeof (value as { orderId?: unknown }).orderId === 'string'
        ? { value: { orderId: (value as { orderId: string }).orderId.toUpperCase() } }
        : { issues: [{ message: 'orderId must be a string', path: ['orderId'] }] },
  },
};

describe('createConsumePipeline', () => {
  it('handles a message synchronously (no promise) when the handler and the store are synchronous', () => {
    const handled: Envelope[] = [];
    const queue = tinyQueue((event) => void handled.push(event));
    const outcome = queue.deliver({ id: 1 });
    expect(outcome).toBe(CONSUME_DONE);
    expect(handled.map((e) => e.id)).toEqual(['evt-1']);
    expect(queue.seen.handled).toEqual([1]);
  });

  it('dead-letters bad input before the handler: undecodable, unknown schema version, invalid data', async () => {
    const handled: unknown[] = [];
    const queue = tinyQueue((event) => void handled.push(event.data), { schemas: { 'order.placed': { '1': orderSchema } }, ownsDecodedEnvelope: true });
    expect(queue.deliver({ id: 1, body: undefined })).toBe(CONSUME_DONE);
    expect(queue.deliver({ id: 2, body: order(2, { orderId: 'x' }, '9') })).toBe(CONSUME_DONE);
    expect(queue.deliver({ id: 3, body: order(3, { orderId: 42 }) })).toBe(CONSUME_DONE);
    expect(queue.deadLetters.map((d) => [d.id, d.code])).toEqual([
      [1, 'MESSAGE_DECODE'],
      [2, 'UNKNOWN_SCHEMA_VERSION'],
      [3, 'VALIDATION'],
    ]);
    expect(queue.deadLetters[1]!.recorded).toMatchObject({ details: { messageId: 2, type: 'order.placed', schemaVersion: '9' } });
    await queue.deliver({ id: 4 });
    expect(handled).toEqual([{ orderId: 'O-4' }]); // the schema's output reaches the handler
  });

  it('deduplicates through an IdempotencyStore: the second delivery of an event is a duplicate', async () => {
    let calls = 0;
    const claims: ClaimStore = createClaimStore(createInMemoryIdempotencyStore(), { leaseMs: 1_000, ttlMs: 60_000 });
    const queue = tinyQueue(() => void calls++, { claims });
    const first = queue.deliver({ id: 1 });
    expect(first).toBeInstanceOf(Promise); // the store answers with promises
    expect(await first).toEqual(CONSUME_DONE);
    expect(await queue.deliver({ id: 1, redeliveries: 1 })).toEqual(CONSUME_DONE);
    expect(calls).toBe(1);
    expect(queue.seen.duplicates).toEqual(['/shop#evt-1']);
  });

  it('retries a retryable failure in place with the policy delays, then succeeds', async () => {
    const queue = tinyQueue((_event, attempt) => {
      if (attempt < 3) throw new Error('ECONNRESET');
    });
    expect(await queue.deliver({ id: 1 })).toEqual(CONSUME_DONE);
    expect(queue.waits).toEqual([100, 100]);
    expect(queue.seen.retrying).toEqual([1, 2]);
    expect(queue.deadLetters).toEqual([]);
  });

  it('classifies with core isRetryableError by default: a TypeError is dead-lettered at once with the handler error recorded', async () => {
    const bug = new TypeError('undefined is not a function');
    const queue = tinyQueue(() => {
      throw bug;
    });
    expect(await queue.deliver({ id: 1 })).toEqual(CONSUME_DONE);
    expect(queue.waits).toEqual([]);
    expect(queue.deadLetters).toEqual([{ id: 1, code: 'HANDLER_FAILED', recorded: bug }]);
  });

  it('hands a message whose retries are spent to retriesExhausted (redeliver later)', async () => {
    const queue = tinyQueue(() => Promise.reject(new Error('still down')));
    expect(await queue.deliver({ id: 1 })).toEqual(CONSUME_DONE);
    expect(queue.waits).toEqual([100, 100]);
    expect(queue.redelivered).toEqual([{ id: 1, code: 'HANDLER_FAILED' }]);
  });

  it('pauses a redelivery that is not due yet, without decoding it', () => {
    let calls = 0;
    const queue = tinyQueue(() => void calls++);
    expect(queue.deliver({ id: 1, dueAt: queue.clock.now() + 250 })).toEqual({ kind: 'pause', delayMs: 250, reason: 'not-due' });
    expect(calls).toBe(0);
  });

  it('pauses when the idempotency store fails, never dead-letters', async () => {
    const failing: ClaimStore = { claim: () => Promise.reject(new Error('db down')), complete: () => undefined, release: () => undefined };
    const queue = tinyQueue(() => undefined, { claims: failing });
    expect(await queue.deliver({ id: 1 })).toEqual({ kind: 'pause', delayMs: 100, reason: 'store-unavailable' });
    expect(queue.errors.map((e) => e.code)).toEqual(['STORE_FAILED']);
    expect(queue.deadLetters).toEqual([]);
  });

  it('waits for a claim another worker holds, then runs the handler', async () => {
    let held = true;
    const claims: ClaimStore = {
      claim: () => (held ? ((held = false), { state: 'in_progress', expiresAt: 1_300 }) : 7),
      complete: () => undefined,
      release: () => undefined,
    };
    let calls = 0;
    const queue = tinyQueue(() => void calls++, { claims, maxClaimWaitMs: 1_000 });
    expect(await queue.deliver({ id: 1 })).toEqual(CONSUME_DONE);
    expect(queue.waits).toEqual([300]);
    expect(calls).toBe(1);
  });

  it('stops when a wait says the message is lost, and pauses on a failure of its own', async () => {
    const queue = tinyQueue(() => {
      throw new Error('flaky');
    });
    queue.stopWaits();
    expect(await queue.deliver({ id: 1 })).toEqual({ kind: 'stop' });
    const broken = tinyQueue(() => undefined, {
      claims: createClaimStore(createInMemoryIdempotencyStore(), { leaseMs: 1_000, ttlMs: 1_000 }),
      idempotencyKey: () => {
        throw new Error('no key');
      },
    });
    expect(broken.deliver({ id: 2 })).toEqual({ kind: 'pause', delayMs: 500, reason: 'blocked' });
    expect(broken.errors[0]).toMatchObject({ code: 'UNKNOWN', message: 'processing message 2 failed unexpectedly: no key' });
  });
});
