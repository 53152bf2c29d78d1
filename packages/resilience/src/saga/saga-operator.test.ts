import { ErrorCode, hasErrorCode, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';
import { isSagaStateError } from './saga-errors.js';

function setup() {
  const clock = new ManualClock(5_000);
  const store = createInMemorySagaStore();
  const log: string[] = [];
  const switches = { refundWorks: false, shipWorks: false };
  const options = { store, clock, retry: { maxAttempts: 1 }, compensationRetry: { maxAttempts: 1 } };
  const stuckCompensation = createSaga('refund-stuck', options)
    .step({ name: 'reserve', action: () => 'r', compensate: () => void log.push('release') })
    .step({
      name: 'charge',
      action: () => 'c',
      compensate: () => {
        if (!switches.refundWorks) throw new Error('refund API down');
        log.push('refund');
      },
    })
    .step({ name: 'check', action: () => Promise.reject(new Error('fraud check failed')) });
  const stuckForward = createSaga('ship-stuck', options)
    .step({ name: 'charge', action: () => 'c', compensate: () => void log.push('refund') })
    .pivot()
    .step({
      name: 'ship',
      action: () => {
        if (!switches.shipWorks) throw new Error('courier down');
        return 'tracking-1';
      },
    })
    .step({ name: 'email', action: ({ results }) => `sent for ${String(results.ship)}` });
  return { store, log, switches, stuckCompensation, stuckForward };
}

describe('saga operator API', () => {
  it('retry() re-runs a failed compensation and continues backward', async () => {
    const { stuckCompensation: saga, log, switches, store } = setup();
    expect((await saga.run(undefined, { sagaId: 'o-1' })).status).toBe('compensation_failed');
    expect(log).toEqual([]);
    switches.refundWorks = true;
    const result = await saga.retry('o-1', { note: 'refund API back (ops-1)' });
    expect(result).toMatchObject({ status: 'compensated', compensatedSteps: ['charge', 'reserve'], failedStep: 'check', compensationFailure: undefined });
    expect(log).toEqual(['refund', 'release']);
    const record = (await store.get('o-1'))!;
    expect(record.checkpoints.find((c) => c.kind === 'operator_retry')).toMatchObject({ note: 'refund API back (ops-1)', step: undefined });
  });

  it('skip() marks a failed compensation as undone by hand and continues backward', async () => {
    const { stuckCompensation: saga, log } = setup();
    await saga.run(undefined, { sagaId: 'o-2' });
    const skipped: string[] = [];
    saga.on('stepSkipped', (e) => skipped.push(`${e.step}:${e.phase}`));
    const result = await saga.skip('o-2', { note: 'refunded manually' });
    expect(result).toMatchObject({ status: 'compensated', compensatedSteps: ['charge', 'reserve'] });
    expect(log).toEqual(['release']);
    expect(skipped).toEqual(['charge:compensation']);
  });

  it('retry() continues a failed saga forward from its failed step after the pivot', async () => {
    const { stuckForward: saga, switches, log } = setup();
    const failed = await saga.run(undefined, { sagaId: 'f-1' });
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'ship' });
    switches.shipWorks = true;
    const result = await saga.retry('f-1');
    expect(result).toMatchObject({ status: 'completed', failedStep: undefined, error: undefined, results: { ship: 'tracking-1', email: 'sent for tracking-1' } });
    expect(log).toEqual([]);
  });

  it('skip() treats a failed forward step as done without a result and continues', async () => {
    const { stuckForward: saga } = setup();
    await saga.run(undefined, { sagaId: 'f-2' });
    const result = await saga.skip('f-2', { note: 'shipped by hand' });
    expect(result.status).toBe('completed');
    expect(result.completedSteps).toEqual(['charge', 'ship', 'email']);
    expect(result.results).toEqual({ charge: 'c', email: 'sent for undefined' });
  });

  it('markResolved() closes a waiting saga; afterwards operator calls are refused', async () => {
    const { stuckCompensation: saga, store } = setup();
    await saga.run(undefined, { sagaId: 'o-3' });
    const result = await saga.markResolved('o-3', { note: 'customer refunded by support' });
    expect(result.status).toBe('resolved');
    expect(result.compensationFailure).toBeUndefined();
    expect(await store.get('o-3')).toMatchObject({ status: 'resolved', leaseOwner: undefined });
    expect((await store.list({ status: 'resolved' })).map((s) => s.sagaId)).toEqual(['o-3']);
    await expect(saga.retry('o-3')).rejects.toSatisfy(isSagaStateError);
    expect((await saga.run(undefined, { sagaId: 'o-3' })).status).toBe('resolved');
  });

  it('refuses operator calls on unknown, active, finished or foreign sagas', async () => {
    const { stuckCompensation, stuckForward, store } = setup();
    await expect(stuckCompensation.retry('nope')).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.NOT_FOUND));
    await store.create({ sagaId: 'active', sagaName: 'refund-stuck', inputJson: 'null', owner: 'w', now: 1, leaseExpiresAt: 2, deadlineAt: undefined });
    await expect(stuckCompensation.markResolved('active')).rejects.toSatisfy(isSagaStateError);
    const done = createSaga('fine', { store }).step({ name: 'a', action: () => 1 });
    await done.run(undefined, { sagaId: 'ok' });
    await expect(done.skip('ok')).rejects.toSatisfy(isSagaStateError);
    await stuckForward.run(undefined, { sagaId: 'mine' });
    await expect(stuckCompensation.retry('mine')).rejects.toSatisfy(isSagaStateError);
  });
});
