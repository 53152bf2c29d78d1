import { getEventListeners } from 'node:events';
import { ErrorCode, ManualClock, flushMicrotasks } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { deferred, settle, type Deferred } from './__fixtures__/deferred.js';
import { createBulkhead } from './bulkhead.js';
import { isBulkheadRejectedError, type BulkheadRejectedError } from './errors/bulkhead-rejected-error.js';

describe('createBulkhead', () => {
  it('runs at most maxConcurrent calls, queues the next in FIFO order and rejects beyond the queue', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 2, maxQueue: 2, clock: new ManualClock() });
    const gates: Deferred<number>[] = [];
    const started: number[] = [];
    const run = (i: number) =>
      settle(
        bulkhead.execute(() => {
          started.push(i);
          const gate = deferred<number>();
          gates[i] = gate;
          return gate.promise;
        }),
      );
    const calls = [0, 1, 2, 3].map(run);
    const fifth = await run(4);
    expect(isBulkheadRejectedError((fifth as { error: unknown }).error)).toBe(true);
    expect(((fifth as { error: BulkheadRejectedError }).error).reason).toBe('queue-full');
    await flushMicrotasks();
    expect(started).toEqual([0, 1]);
    expect(bulkhead.stats()).toEqual({ active: 2, queued: 2, maxConcurrent: 2, maxQueue: 2 });
    gates[1]!.resolve(1);
    await flushMicrotasks();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.reject(new Error('failed call frees its slot too'));
    await flushMicrotasks();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.resolve(2);
    gates[3]!.resolve(3);
    const results = await Promise.all(calls);
    expect(results.map((r) => r.ok)).toEqual([false, true, true, true]);
    expect(bulkhead.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('an aborted queued call leaves the queue at once and never blocks later ones', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1, maxQueue: 1, clock: new ManualClock() });
    const running = deferred<string>();
    const first = bulkhead.execute(() => running.promise);
    const controller = new AbortController();
    const queued = settle(bulkhead.execute(() => 'never runs', { signal: controller.signal, data: undefined }));
    await expect(bulkhead.execute(() => 'x')).rejects.toSatisfy(isBulkheadRejectedError); // queue is full
    controller.abort();
    expect(((await queued) as { error: { code: string } }).error.code).toBe(ErrorCode.ABORTED);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(bulkhead.stats().queued).toBe(0);
    const later = bulkhead.execute(() => 'later'); // takes the freed place
    expect(bulkhead.stats().queued).toBe(1);
    running.resolve('first');
    await expect(first).resolves.toBe('first');
    await expect(later).resolves.toBe('later');
    expect(bulkhead.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('rejects a queued call after queueTimeoutMs and keeps the order of the others', async () => {
    const clock = new ManualClock();
    const bulkhead = createBulkhead({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 100, clock });
    const events: unknown[] = [];
    bulkhead.on('rejected', (e) => events.push(e));
    const running = deferred<void>();
    void bulkhead.execute(() => running.promise);
    const timedOut = settle(bulkhead.execute(() => 'late'));
    clock.advance(60);
    const second = bulkhead.execute(() => 'second');
    clock.advance(40);
    const result = await timedOut;
    expect(((result as { error: BulkheadRejectedError }).error).reason).toBe('queue-timeout');
    expect(events).toEqual([{ reason: 'queue-timeout', active: 1, queued: 1 }]);
    running.resolve();
    await expect(second).resolves.toBe('second');
    expect(clock.pendingTimers).toBe(0);
  });

  it('a call whose signal aborted while it waited is not run once its turn comes', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1, maxQueue: 1 });
    const controller = new AbortController();
    await expect(bulkhead.execute(() => 1, { signal: controller.signal, data: undefined })).resolves.toBe(1);
    controller.abort();
    await expect(bulkhead.execute(() => 1, { signal: controller.signal, data: undefined })).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(bulkhead.stats().active).toBe(0);
  });

  it('invalid options -> INVALID_OPTIONS', () => {
    expect(() => createBulkhead({ maxConcurrent: 0 })).toThrow(/maxConcurrent must be an integer >= 1/);
    expect(() => createBulkhead({ maxConcurrent: 1, maxQueue: -1 })).toThrow(/maxQueue/);
    expect(() => createBulkhead({ maxConcurrent: 1, queueTimeoutMs: 0 })).toThrow(/queueTimeoutMs/);
  });
});
