/**
 * The SagaStore contract, as one test suite that every store runs: in-memory and PGlite in the unit
 * project, PostgreSQL in the integration project. It also drives whole sagas through the store
 * (forward, compensation, take-over after a dead worker), so the orchestrator is proven on each.
 */
import { ErrorCode, hasErrorCode, ManualClock } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSaga } from '../create-saga.js';
import type { SagaCheckpointInput, SagaStore } from '../saga-store.js';
import { wrapStore } from './wrap-store.js';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  readonly store: SagaStore;
  readonly close: () => Promise<void>;
}

let counter = 0;
function uniqueId(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

function entry(seq: number, kind: SagaCheckpointInput['kind'], step: string | undefined, extra: Partial<SagaCheckpointInput> = {}): SagaCheckpointInput {
  return { seq, kind, step, resultJson: undefined, errorJson: undefined, attempts: undefined, note: undefined, ...extra };
}

/** Registers the contract tests for one store. */
export function describeSagaStoreContract(name: string, setup: () => Promise<StoreFixture>): void {
  describe(`SagaStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: SagaStore;
    beforeAll(async () => {
      fixture = await setup();
      store = fixture.store;
    }, 120_000); // PGlite boots its WebAssembly PostgreSQL: seconds on a busy machine
    afterAll(async () => {
      await fixture?.close();
    });

    async function created(sagaName = uniqueId('saga'), options: { owner?: string; now?: number; leaseExpiresAt?: number } = {}) {
      const sagaId = uniqueId('id');
      const now = options.now ?? 1_000;
      const result = await store.create({
        sagaId,
        sagaName,
        inputJson: '{"orderId":"o-1","amount":10}',
        owner: options.owner ?? 'worker-a',
        now,
        leaseExpiresAt: options.leaseExpiresAt ?? now + 30_000,
        deadlineAt: undefined,
      });
      return { sagaId, sagaName, record: result.record, created: result.created };
    }

    it('creates a running saga holding the creator lease, at version 1 with an empty log', async () => {
      const { sagaId, sagaName, record, created: isNew } = await created(undefined, { now: 5_000, leaseExpiresAt: 35_000 });
      expect(isNew).toBe(true);
      expect(record).toMatchObject({ sagaId, sagaName, status: 'running', version: 1, leaseOwner: 'worker-a', leaseExpiresAt: 35_000, createdAt: 5_000, updatedAt: 5_000 });
      expect(record.checkpoints).toEqual([]);
      const read = await store.get(sagaId);
      expect(read).toMatchObject({ sagaId, status: 'running', version: 1, inputJson: '{"orderId":"o-1","amount":10}', deadlineAt: undefined, failureJson: undefined });
    });

    it('purges finished runs of one saga, oldest first, with their logs, and nothing else', async () => {
      const sagaName = uniqueId('purge');
      // one run per status, each last written at a different time
      const statuses = ['completed', 'compensated', 'resolved', 'failed', 'compensation_failed', 'running', 'compensating'] as const;
      const runs: Array<{ sagaId: string; status: (typeof statuses)[number]; updatedAt: number }> = [];
      for (const [i, status] of statuses.entries()) {
        const { sagaId } = await created(sagaName, { now: 1_000 + i });
        const updatedAt = 2_000 + i * 100;
        await store.checkpoint(sagaId, { owner: 'worker-a', expectedVersion: 1, now: updatedAt, entries: [entry(1, 'step_completed', 'a', { resultJson: '1' })], ...(status === 'running' ? {} : { status }), leaseExpiresAt: null });
        runs.push({ sagaId, status, updatedAt });
      }
      const other = await created(uniqueId('purge-other'), { now: 1 });
      await store.checkpoint(other.sagaId, { owner: 'worker-a', expectedVersion: 1, now: 2, entries: [], status: 'completed', leaseExpiresAt: null });

      // nothing before the cutoff
      expect(await store.purge({ sagaName, statuses: ['completed', 'compensated', 'resolved'], updatedBefore: 2_000, limit: 100 })).toBe(0);
      // the limit takes the oldest first
      expect(await store.purge({ sagaName, statuses: ['completed', 'compensated', 'resolved'], updatedBefore: 10_000, limit: 1 })).toBe(1);
      expect(await store.get(runs[0]!.sagaId)).toBeUndefined();
      expect(await store.get(runs[1]!.sagaId)).toBeDefined();
      // only the statuses asked for
      expect(await store.purge({ sagaName, statuses: ['resolved'], updatedBefore: 10_000, limit: 100 })).toBe(1);
      expect(await store.get(runs[1]!.sagaId)).toBeDefined();
      expect(await store.purge({ sagaName, statuses: ['completed', 'compensated', 'resolved'], updatedBefore: 10_000, limit: 100 })).toBe(1);
      const left = (await store.list({ sagaName })).map((summary) => summary.status).sort();
      expect(left).toEqual(['compensating', 'compensation_failed', 'failed', 'running']);
      // other sagas' runs are untouched
      expect(await store.get(other.sagaId)).toMatchObject({ status: 'completed' });
    });

    it('returns the existing saga untouched when the id is created again', async () => {
      const first = await created();
      const again = await store.create({ sagaId: first.sagaId, sagaName: 'other', inputJson: '{"x":1}', owner: 'worker-b', now: 9_000, leaseExpiresAt: 99_000, deadlineAt: 50_000 });
      expect(again.created).toBe(false);
      expect(again.record).toMatchObject({ sagaName: first.sagaName, inputJson: '{"orderId":"o-1","amount":10}', leaseOwner: 'worker-a', version: 1, deadlineAt: undefined });
    });

    it('lets exactly one of many concurrent creators win', async () => {
      const sagaId = uniqueId('race');
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.create({ sagaId, sagaName: 's', inputJson: String(i), owner: `w${i}`, now: 1, leaseExpiresAt: 100, deadlineAt: undefined })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)!;
      for (const r of results) expect(r.record.inputJson).toBe(winner.record.inputJson);
    });

    it('returns undefined for an unknown saga and refuses to acquire or write it', async () => {
      const missing = uniqueId('missing');
      expect(await store.get(missing)).toBeUndefined();
      expect(await store.acquire(missing, { owner: 'w', now: 1, leaseExpiresAt: 2, statuses: ['running'] })).toEqual({ acquired: false, record: undefined });
      await expect(store.checkpoint(missing, { owner: 'w', expectedVersion: 1, now: 1, entries: [], leaseExpiresAt: 2 })).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.LEASE_LOST));
    });

    it('appends checkpoints in order and applies status, failure and lease in one write', async () => {
      const { sagaId } = await created();
      const v2 = await store.checkpoint(sagaId, {
        owner: 'worker-a',
        expectedVersion: 1,
        now: 2_000,
        entries: [entry(1, 'step_completed', 'reserve', { resultJson: '{"id":"r-1"}', attempts: 2 }), entry(2, 'step_completed', 'nothing', { attempts: 1 })],
        leaseExpiresAt: 32_000,
      });
      expect(v2).toBe(2);
      const v3 = await store.checkpoint(sagaId, {
        owner: 'worker-a',
        expectedVersion: 2,
        now: 3_000,
        entries: [entry(3, 'step_failed', 'charge', { errorJson: '{"name":"Error","message":"declined"}', attempts: 3 })],
        status: 'compensating',
        failureJson: '{"step":"charge"}',
        leaseExpiresAt: 33_000,
      });
      expect(v3).toBe(3);
      const record = (await store.get(sagaId))!;
      expect(record).toMatchObject({ status: 'compensating', version: 3, failureJson: '{"step":"charge"}', leaseOwner: 'worker-a', leaseExpiresAt: 33_000, updatedAt: 3_000 });
      expect(record.checkpoints).toEqual([
        { seq: 1, kind: 'step_completed', step: 'reserve', resultJson: '{"id":"r-1"}', errorJson: undefined, attempts: 2, note: undefined, at: 2_000 },
        { seq: 2, kind: 'step_completed', step: 'nothing', resultJson: undefined, errorJson: undefined, attempts: 1, note: undefined, at: 2_000 },
        { seq: 3, kind: 'step_failed', step: 'charge', resultJson: undefined, errorJson: '{"name":"Error","message":"declined"}', attempts: 3, note: undefined, at: 3_000 },
      ]);
      await store.checkpoint(sagaId, { owner: 'worker-a', expectedVersion: 3, now: 4_000, entries: [entry(4, 'resolved', undefined, { note: 'ops-1' })], status: 'resolved', failureJson: null, leaseExpiresAt: null });
      const final = (await store.get(sagaId))!;
      expect(final).toMatchObject({ status: 'resolved', version: 4, failureJson: undefined, leaseOwner: undefined, leaseExpiresAt: undefined });
      expect(final.checkpoints.at(-1)).toMatchObject({ seq: 4, kind: 'resolved', step: undefined, note: 'ops-1' });
    });

    it('fences writes: a stale version or another owner gets LEASE_LOST and writes nothing', async () => {
      const { sagaId } = await created();
      await store.checkpoint(sagaId, { owner: 'worker-a', expectedVersion: 1, now: 2, entries: [entry(1, 'step_completed', 'a')], leaseExpiresAt: 100 });
      const stale = store.checkpoint(sagaId, { owner: 'worker-a', expectedVersion: 1, now: 3, entries: [entry(2, 'step_completed', 'b')], status: 'completed', leaseExpiresAt: null });
      await expect(stale).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.LEASE_LOST));
      const intruder = store.checkpoint(sagaId, { owner: 'worker-b', expectedVersion: 2, now: 3, entries: [entry(2, 'step_completed', 'b')], leaseExpiresAt: 100 });
      await expect(intruder).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.LEASE_LOST));
      const record = (await store.get(sagaId))!;
      expect(record).toMatchObject({ status: 'running', version: 2, leaseOwner: 'worker-a' });
      expect(record.checkpoints.map((c) => c.step)).toEqual(['a']);
    });

    it('acquires only a free or expired lease in an allowed status, and fences out the previous owner', async () => {
      const { sagaId } = await created(undefined, { now: 1_000, leaseExpiresAt: 2_000 });
      const early = await store.acquire(sagaId, { owner: 'worker-b', now: 1_500, leaseExpiresAt: 5_000, statuses: ['running', 'compensating'] });
      expect(early.acquired).toBe(false);
      expect(early.record).toMatchObject({ leaseOwner: 'worker-a', version: 1 });
      const wrongStatus = await store.acquire(sagaId, { owner: 'worker-b', now: 2_500, leaseExpiresAt: 5_000, statuses: ['failed'] });
      expect(wrongStatus.acquired).toBe(false);
      const late = await store.acquire(sagaId, { owner: 'worker-b', now: 2_000, leaseExpiresAt: 5_000, statuses: ['running', 'compensating'] });
      expect(late.acquired).toBe(true);
      expect(late.record).toMatchObject({ leaseOwner: 'worker-b', leaseExpiresAt: 5_000, version: 2, updatedAt: 2_000 });
      await expect(store.checkpoint(sagaId, { owner: 'worker-a', expectedVersion: 1, now: 2_100, entries: [entry(1, 'step_completed', 'a')], leaseExpiresAt: 9_000 })).rejects.toSatisfy(
        (e) => hasErrorCode(e, ErrorCode.LEASE_LOST),
      );
      const again = await store.acquire(sagaId, { owner: 'worker-b', now: 2_200, leaseExpiresAt: 6_000, statuses: ['running'] });
      expect(again).toMatchObject({ acquired: true, record: { version: 3, leaseExpiresAt: 6_000 } });
    });

    it('claims active sagas of one name whose lease is free or expired, oldest first, up to the limit', async () => {
      const sagaName = uniqueId('claim');
      const live = await created(sagaName, { now: 100, leaseExpiresAt: 10_000 });
      const expiredOld = await created(sagaName, { now: 200, leaseExpiresAt: 1_000 });
      const expiredNew = await created(sagaName, { now: 300, leaseExpiresAt: 1_000 });
      const released = await created(sagaName, { now: 400, leaseExpiresAt: 9_999 });
      await store.checkpoint(released.sagaId, { owner: 'worker-a', expectedVersion: 1, now: 400, entries: [], leaseExpiresAt: null });
      const finished = await created(sagaName, { now: 50, leaseExpiresAt: 1_000 });
      await store.checkpoint(finished.sagaId, { owner: 'worker-a', expectedVersion: 1, now: 60, entries: [], status: 'completed', leaseExpiresAt: null });
      const otherName = await created(uniqueId('other'), { now: 10, leaseExpiresAt: 1_000 });

      const first = await store.claim({ sagaName, owner: 'worker-b', now: 5_000, leaseExpiresAt: 35_000, limit: 2 });
      expect(first.map((r) => r.sagaId).sort()).toEqual([expiredOld.sagaId, expiredNew.sagaId].sort());
      expect(first.find((r) => r.sagaId === expiredOld.sagaId)).toMatchObject({ leaseOwner: 'worker-b', leaseExpiresAt: 35_000, version: 2, inputJson: '{"orderId":"o-1","amount":10}', checkpoints: [] });
      const second = await store.claim({ sagaName, owner: 'worker-c', now: 5_000, leaseExpiresAt: 35_000, limit: 10 });
      expect(second.map((r) => r.sagaId)).toEqual([released.sagaId]);
      expect(await store.claim({ sagaName, owner: 'worker-c', now: 5_000, leaseExpiresAt: 35_000, limit: 10 })).toEqual([]);
      expect((await store.get(live.sagaId))!.leaseOwner).toBe('worker-a');
      expect((await store.get(otherName.sagaId))!.leaseOwner).toBe('worker-a');
    });

    it('never gives the same saga to two concurrent claimers', async () => {
      const sagaName = uniqueId('claim-race');
      const ids = new Set<string>();
      for (let i = 0; i < 12; i++) ids.add((await created(sagaName, { now: i, leaseExpiresAt: 10 })).sagaId);
      const claims = await Promise.all(Array.from({ length: 4 }, (_, w) => store.claim({ sagaName, owner: `w${w}`, now: 100, leaseExpiresAt: 10_000, limit: 5 })));
      const claimed = claims.flat().map((r) => r.sagaId);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(new Set(claimed)).toEqual(ids);
    });

    it('returns the log with a claimed saga', async () => {
      const sagaName = uniqueId('claim-log');
      const { sagaId } = await created(sagaName, { now: 1, leaseExpiresAt: 10 });
      await store.checkpoint(sagaId, { owner: 'worker-a', expectedVersion: 1, now: 2, entries: [entry(1, 'step_completed', 'a', { resultJson: '1' })], leaseExpiresAt: 10 });
      const [claimed] = await store.claim({ sagaName, owner: 'worker-b', now: 50, leaseExpiresAt: 100, limit: 1 });
      expect(claimed?.checkpoints).toEqual([{ seq: 1, kind: 'step_completed', step: 'a', resultJson: '1', errorJson: undefined, attempts: undefined, note: undefined, at: 2 }]);
    });

    it('lists sagas by status and name, ordered by id, with keyset pagination', async () => {
      const sagaName = uniqueId('list');
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await created(sagaName));
      for (const m of made.slice(0, 2)) {
        await store.checkpoint(m.sagaId, { owner: 'worker-a', expectedVersion: 1, now: 5, entries: [], status: 'compensation_failed', leaseExpiresAt: null });
      }
      const ids = made.map((m) => m.sagaId).sort();
      const all = await store.list({ sagaName });
      expect(all.map((s) => s.sagaId)).toEqual(ids);
      const stuck = await store.list({ sagaName, status: 'compensation_failed' });
      expect(stuck.map((s) => s.sagaId)).toEqual(made.slice(0, 2).map((m) => m.sagaId).sort());
      expect(stuck[0]).toMatchObject({ status: 'compensation_failed', sagaName, leaseOwner: undefined });
      const page1 = await store.list({ sagaName, limit: 2 });
      const page2 = await store.list({ sagaName, limit: 2, afterSagaId: page1.at(-1)!.sagaId });
      const page3 = await store.list({ sagaName, limit: 2, afterSagaId: page2.at(-1)!.sagaId });
      expect([...page1, ...page2, ...page3].map((s) => s.sagaId)).toEqual(ids);
    });

    it('drives a saga forward and backward through the store, and a second worker takes over a dead one', async () => {
      const clock = new ManualClock(1_000_000);
      const effects = new Map<string, number>();
      const sagaName = uniqueId('order');
      let failCharge = true;
      let stall: Promise<never> | undefined;
      const define = (workerId: string, via: SagaStore = store) =>
        createSaga<{ amount: number }>(sagaName, { store: via, clock, workerId, leaseMs: 10_000, retry: { maxAttempts: 1 } })
          .step({
            name: 'reserve',
            action: ({ idempotencyKey }) => {
              effects.set(idempotencyKey, (effects.get(idempotencyKey) ?? 0) + 1);
              return { reservation: idempotencyKey };
            },
            compensate: ({ idempotencyKey }) => void effects.set(`${idempotencyKey}:undo`, (effects.get(`${idempotencyKey}:undo`) ?? 0) + 1),
          })
          .step({
            name: 'charge',
            action: async ({ input, results }) => {
              if (stall !== undefined) await stall;
              if (failCharge) throw new Error('card declined');
              return { charged: input.amount, for: results.reserve.reservation };
            },
            compensate: () => undefined,
          });

      const failed = await define('w1').run({ amount: 5 }, { sagaId: uniqueId('s') });
      expect(failed).toMatchObject({ status: 'compensated', failedStep: 'charge', completedSteps: ['reserve'], compensatedSteps: ['reserve'] });
      expect(failed.error?.message).toContain('card declined');

      failCharge = false;
      const ok = await define('w1').run({ amount: 7 }, { sagaId: uniqueId('s') });
      expect(ok).toMatchObject({ status: 'completed', results: { reserve: { reservation: `${ok.sagaId}:reserve` }, charge: { charged: 7 } } });

      // worker w2 dies inside "charge": its action and its store calls never return again (a frozen
      // or killed process: no more heartbeats); w3 takes over once the lease has expired
      stall = new Promise<never>(() => undefined);
      const sagaId = uniqueId('s');
      const dying = freezable(store);
      void define('w2', dying.store).run({ amount: 9 }, { sagaId });
      await waitFor(async () => (await store.get(sagaId))?.checkpoints.length === 1);
      dying.freeze();
      stall = undefined;
      expect(await define('w3').resume()).toEqual([]);
      clock.setTime(clock.now() + 10_001);
      const resumed = await define('w3').resume();
      expect(resumed.map((r) => [r.sagaId, r.status])).toEqual([[sagaId, 'completed']]);
      expect(effects.get(`${sagaId}:reserve`)).toBe(1);
      const record = (await store.get(sagaId))!;
      expect(record.checkpoints.map((c) => [c.kind, c.step])).toEqual([
        ['step_completed', 'reserve'],
        ['step_completed', 'charge'],
      ]);
    });
  });
}

/** A store whose every call, after `freeze()`, never settles: a worker that died mid-call. */
function freezable(store: SagaStore): { store: SagaStore; freeze: () => void } {
  let frozen = false;
  const never = new Promise<never>(() => undefined);
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      frozen ? never : fn(...args);
  return {
    store: wrapStore(store, {
      create: wrap((input) => store.create(input)),
      get: wrap((id) => store.get(id)),
      list: wrap((query) => store.list(query)),
      acquire: wrap((id, input) => store.acquire(id, input)),
      claim: wrap((input) => store.claim(input)),
      checkpoint: wrap((id, write) => store.checkpoint(id, write)),
    }),
    freeze: () => {
      frozen = true;
    },
  };
}

/** Polls `condition` (real time, 5 s deadline): the store may be a real database. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
