import { ErrorCode, hasErrorCode, IapError, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { deferred } from '../__fixtures__/deferred.js';
import { driveClock } from './__fixtures__/drive-clock.js';
import { wrapStore } from './__fixtures__/wrap-store.js';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';
import { isSagaLeaseLostError } from './saga-errors.js';
import type { SagaCheckpointWrite, SagaStore } from './saga-store.js';

/** Wraps a store so that the lease renewals (empty checkpoints) of one owner wait for a gate. */
function holdRenewals(store: SagaStore, owner: string) {
  const gate = deferred();
  let held = 0;
  const wrapped = wrapStore(store, {
    checkpoint: async (id: string, write: SagaCheckpointWrite) => {
      if (write.owner === owner && write.entries.length === 0 && write.leaseExpiresAt !== null) {
        held++;
        await gate.promise;
      }
      return store.checkpoint(id, write);
    },
  });
  return { store: wrapped, release: () => gate.resolve(), held: () => held };
}

describe('saga leases', () => {
  it('renews the lease while a long step runs, so resume() elsewhere never takes it over', async () => {
    const clock = new ManualClock(0);
    const store = createInMemorySagaStore();
    const gate = deferred<string>();
    const saga = createSaga('long', { store, clock, leaseMs: 3_000, workerId: 'w1' }).step({ name: 'slow', action: () => gate.promise });
    const running = saga.run(undefined, { sagaId: 'l-1' });
    for (let i = 0; i < 10; i++) await clock.advanceAsync(1_000);
    expect((await store.get('l-1'))!.leaseExpiresAt).toBeGreaterThan(clock.now());
    const other = createSaga('long', { store, clock, leaseMs: 3_000, workerId: 'w2' }).step({ name: 'slow', action: () => 'w2' });
    expect(await other.resume()).toEqual([]);
    gate.resolve('w1');
    expect((await running).results).toEqual({ slow: 'w1' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('a stalled worker whose lease was taken over stops with LEASE_LOST, and its stale writes are refused', async () => {
    const clock = new ManualClock(0);
    const base = createInMemorySagaStore();
    const stalled = holdRenewals(base, 'w1');
    const stepGate = deferred<string>();
    const seenSignals: unknown[] = [];
    const define = (workerId: string, store: SagaStore, second: (signal: AbortSignal) => Promise<string> | string) =>
      createSaga('takeover', { store, clock, leaseMs: 3_000, workerId })
        .step({ name: 'first', action: () => workerId })
        .step({ name: 'second', action: ({ signal }) => second(signal) });
    const w1 = define('w1', stalled.store, (signal) => {
      signal.addEventListener('abort', () => seenSignals.push(signal.reason));
      return stepGate.promise;
    });
    const stops: string[] = [];
    w1.on('sagaStopped', (e) => stops.push(e.reason));
    const w1Run = w1.run(undefined, { sagaId: 't-1' });
    w1Run.catch(() => undefined);
    await clock.advanceAsync(3_500); // w1 is stuck in "second"; its renewal is held: the lease expires
    expect(stalled.held()).toBe(1);

    const [byW2] = await define('w2', base, () => 'w2').resume();
    expect(byW2).toMatchObject({ status: 'completed', results: { first: 'w1', second: 'w2' } });

    stalled.release();
    await expect(w1Run).rejects.toSatisfy(isSagaLeaseLostError);
    expect(stops).toEqual(['lease_lost']);
    expect(seenSignals).toHaveLength(1);
    expect(hasErrorCode(seenSignals[0], ErrorCode.LEASE_LOST)).toBe(true);
    stepGate.resolve('w1 too late');
    const record = (await base.get('t-1'))!;
    expect(record.status).toBe('completed');
    expect(record.checkpoints.map((c) => [c.step, c.resultJson])).toEqual([
      ['first', '"w1"'],
      ['second', '"w2"'],
    ]);
  });

  it('a worker whose renewals keep failing stops before its lease runs out instead of starting more work', async () => {
    const clock = new ManualClock(0);
    const base = createInMemorySagaStore();
    let failRenewals = false;
    const flaky = wrapStore(base, {
      checkpoint: (id, write) =>
        failRenewals && write.entries.length === 0 ? Promise.reject(new IapError(ErrorCode.STORE_FAILED, 'connection reset', { retryable: true })) : base.checkpoint(id, write),
    });
    const attempts: number[] = [];
    const saga = createSaga('renew-fails', { store: flaky, clock, leaseMs: 3_000, retry: { maxAttempts: 50, backoff: { kind: 'constant', delayMs: 500 }, jitter: 'none' } }).step({
      name: 'retrying',
      action: ({ attempt }) => {
        attempts.push(attempt);
        throw new Error('not yet');
      },
    });
    failRenewals = true;
    const outcome = driveClock(clock, saga.run(undefined, { sagaId: 'rf-1' }), 100);
    await expect(outcome).rejects.toSatisfy(isSagaLeaseLostError);
    expect(attempts.length).toBeLessThanOrEqual(7); // attempts at 0, 500, ..., < 3000 ms: never past the lease
    expect((await base.get('rf-1'))!.status).toBe('running');
  });

  it('two workers resuming at the same time never drive one saga concurrently', async () => {
    const clock = new ManualClock(0);
    const store = createInMemorySagaStore();
    const active = new Set<string>();
    const runsPerSaga = new Map<string, string[]>();
    let overlaps = 0;
    const define = (workerId: string) => {
      const step = (name: string) => ({
        name,
        action: async ({ sagaId }: { sagaId: string }) => {
          if (active.has(sagaId)) overlaps++;
          active.add(sagaId);
          for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
          active.delete(sagaId);
          runsPerSaga.set(sagaId, [...(runsPerSaga.get(sagaId) ?? []), `${workerId}:${name}`]);
          return name;
        },
      });
      return createSaga('contended', { store, clock, workerId, leaseMs: 60_000 }).step(step('a')).step(step('b')).step(step('c'));
    };
    for (let i = 0; i < 40; i++) {
      await store.create({ sagaId: `c-${i}`, sagaName: 'contended', inputJson: 'null', owner: 'dead', now: 0, leaseExpiresAt: 10, deadlineAt: undefined });
    }
    clock.setTime(100);
    const [byW1, byW2] = await Promise.all([define('w1').resume({ concurrency: 5 }), define('w2').resume({ concurrency: 5 })]);
    expect(overlaps).toBe(0);
    expect(byW1.length + byW2.length).toBe(40);
    expect(byW1.length).toBeGreaterThan(0);
    expect(byW2.length).toBeGreaterThan(0);
    for (const [, runs] of runsPerSaga) {
      expect(runs).toHaveLength(3);
      expect(new Set(runs.map((r) => r.split(':')[0])).size).toBe(1);
    }
  });

  it('a store failure mid-saga stops the worker without releasing the lease; resume() continues from the log', async () => {
    const clock = new ManualClock(0);
    const base = createInMemorySagaStore();
    let failNext = false;
    const failing = wrapStore(base, {
      checkpoint: (id, write) => {
        if (failNext) return Promise.reject(new IapError(ErrorCode.STORE_FAILED, 'database restarted', { retryable: true }));
        return base.checkpoint(id, write);
      },
    });
    const calls: string[] = [];
    const define = (store: SagaStore, workerId: string) =>
      createSaga('store-down', { store, clock, workerId, leaseMs: 1_000 })
        .step({ name: 'a', action: () => void calls.push(`a by ${workerId}`) })
        .step({
          name: 'b',
          action: () => {
            calls.push(`b by ${workerId}`);
            failNext = workerId === 'w1';
          },
        })
        .step({ name: 'c', action: () => void calls.push(`c by ${workerId}`) });
    await expect(define(failing, 'w1').run(undefined, { sagaId: 'sd-1' })).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.STORE_FAILED));
    expect(await base.get('sd-1')).toMatchObject({ status: 'running', leaseOwner: 'w1' });
    expect(await define(base, 'w2').resume()).toEqual([]);
    clock.setTime(1_001);
    const [result] = await define(base, 'w2').resume();
    expect(result?.status).toBe('completed');
    expect(calls).toEqual(['a by w1', 'b by w1', 'b by w2', 'c by w2']);
  });
});
