import { ErrorCode, ManualClock, computeRetryDelay } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { RecordingExecutor } from '../__fixtures__/recording-executor.js';
import type { MessagingDatabase } from '../executor.js';
import { createInProcessTransport } from '../in-process-transport.js';
import { createOutbox } from '../outbox.js';
import { createRelay } from './create-relay.js';
import { resolveRelayOptions, type RelayOptions } from '../relay-options.js';

function fakeDatabase(): MessagingDatabase {
  const executor = new RecordingExecutor();
  return {
    query: (sql, params) => executor.query(sql, params),
    transaction: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
}

const base = (): RelayOptions => ({ database: fakeDatabase(), outbox: createOutbox(), publisher: createInProcessTransport().publisher });

describe('createRelay options', () => {
  it('accepts the defaults', () => {
    const relay = createRelay(base());
    expect(relay.id).toMatch(/^relay-\d+-[a-z0-9]+$/);
    expect(relay.running).toBe(false);
  });

  it.each([
    ['batchSize', { batchSize: 0 }],
    ['batchSize', { batchSize: 1.5 }],
    ['leaseMs', { leaseMs: 10 }],
    ['publishTimeoutMs', { publishTimeoutMs: 0 }],
    ['crashLoopThreshold', { crashLoopThreshold: 0 }],
    ['relayId', { relayId: '' }],
    ['listen', { listen: 'yes' }],
    ['minPollIntervalMs', { minPollIntervalMs: 0 }],
    ['maxPollIntervalMs', { minPollIntervalMs: 500, maxPollIntervalMs: 100 }],
    ['metricsIntervalMs', { metricsIntervalMs: -1 }],
    ['retry policy', { retry: { maxAttempts: 0 } }],
    ['outbox', { outbox: { enqueue: () => undefined } }],
    ['publisher', { publisher: {} }],
    ['database', { database: { query: () => undefined } }],
    ['random', { random: 0.5 }],
    ['clock', { clock: Date }],
    ['logger', { logger: { info: () => undefined } }],
    ['retry', { retry: 'forever' }],
  ])('rejects a bad %s with INVALID_OPTIONS naming it', (name, patch) => {
    expect(() => createRelay({ ...base(), ...(patch as Partial<RelayOptions>) })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS, message: expect.stringContaining(name.split(' ')[0]!) }));
  });

  it('merges retry options over the defaults and never gives up on a retryable failure by default', () => {
    const defaults = resolveRelayOptions(base());
    expect(defaults.retry.maxAttempts).toBe(Number.MAX_SAFE_INTEGER);
    const merged = resolveRelayOptions({ ...base(), retry: { maxAttempts: 8 } });
    expect(merged.retry).toMatchObject({ maxAttempts: 8, maxDelayMs: 300_000, jitter: 'full', backoff: { kind: 'exponential', initialDelayMs: 1000, multiplier: 2 } });
    // far past any finite attempt count the delay stays at the cap, never NaN or Infinity
    const decision = computeRetryDelay(defaults.retry, { attempt: 10_000, random: () => 0.5 });
    expect(decision).toEqual({ retry: true, delayMs: 150_000, fromRetryAfter: false });
  });

  it('wraps a failing claim as STORE_FAILED', async () => {
    const failing: MessagingDatabase = { ...fakeDatabase(), query: () => Promise.reject(Object.assign(new Error('connection refused'), { code: '08006' })) };
    const relay = createRelay({ ...base(), database: failing });
    await expect(relay.runOnce()).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED, retryable: true });
  });

  it('holds the process open while started (its own timers are unref\'d), unless keepProcessAlive is false', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const relay = createRelay({ ...base(), listen: false, metricsIntervalMs: 0, clock: new ManualClock(0) });
    relay.start();
    expect(timers()).toBe(before + 1);
    await relay.stop();
    expect(timers()).toBe(before);
    const loose = createRelay({ ...base(), listen: false, metricsIntervalMs: 0, clock: new ManualClock(0), keepProcessAlive: false });
    loose.start();
    expect(timers()).toBe(before);
    await loose.stop();
  });

  it('is closed for good after stop()', async () => {
    const relay = createRelay(base());
    await relay.stop();
    await relay.stop();
    await expect(relay.runOnce()).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    expect(() => relay.start()).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
  });
});
