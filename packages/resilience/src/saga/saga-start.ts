import { abortedError, ErrorCode, IapError, sleep, uuidv7 } from '@iap/core';
import type { SagaRunOptions } from './saga-call-options.js';
import { definitionError, invalidOptions } from './saga-errors.js';
import { toJsonText } from './saga-json.js';
import type { SagaPlan } from './saga-plan.js';
import type { SagaResult } from './saga-result.js';
import { isSagaActive } from './saga-status.js';
import type { SagaRecord, SagaStore } from './saga-store.js';
import type { SagaWorker } from './saga-worker.js';

const SAGA_ID = /^[^\u0000-\u001f\u007f]{1,200}$/; // eslint-disable-line no-control-regex
const ACTIVE: readonly ['running', 'compensating'] = ['running', 'compensating'];

/**
 * @internal `run()`: validates the call, creates the run in the store and drives it, or, when the
 * id exists, returns its result, joins the run in flight in this worker, or waits for the worker
 * driving it (taking over when its lease expires).
 */
export async function startRun(worker: SagaWorker, plan: SagaPlan, input: unknown, options: SagaRunOptions): Promise<SagaResult<unknown>> {
  const where = `saga "${plan.name}" run()`;
  const store = worker.storeFor(where, options.store);
  const { clock, leaseMs, workerId } = worker.options;
  const sagaId = options.sagaId ?? uuidv7(clock.now());
  if (typeof sagaId !== 'string' || !SAGA_ID.test(sagaId)) throw invalidOptions(where, 'sagaId must be a string of 1 to 200 characters without control characters');
  const { deadlineMs, signal } = options;
  if (deadlineMs !== undefined && !(typeof deadlineMs === 'number' && Number.isFinite(deadlineMs) && deadlineMs > 0)) {
    throw invalidOptions(where, 'deadlineMs must be a finite number > 0 (a budget in ms from the start)');
  }
  if (plan.stages.length === 0) throw definitionError(plan.name, 'has no steps; add at least one with step()');
  worker.assertOpen(plan.name);
  if (signal?.aborted === true) throw abortedError(signal, `saga ${sagaId}`);
  const local = worker.inflight(store, sagaId);
  if (local !== undefined) return local;
  const inputJson = toJsonText(input, 'the saga input') ?? 'null';
  return worker.track(store, sagaId, async () => {
    const now = clock.now();
    const { created, record } = await store.create({
      sagaId,
      sagaName: plan.name,
      inputJson,
      owner: workerId,
      now,
      leaseExpiresAt: now + leaseMs,
      deadlineAt: deadlineMs === undefined ? undefined : now + deadlineMs,
    });
    return created ? worker.execute(plan, store, record, { resumed: false, signal }) : joinRun(worker, plan, store, record, signal);
  });
}

/** Returns a stored run's result, or drives it once its lease is free, polling while another live worker holds it. */
async function joinRun(worker: SagaWorker, plan: SagaPlan, store: SagaStore, found: SagaRecord, signal: AbortSignal | undefined): Promise<SagaResult<unknown>> {
  let record: SagaRecord | undefined = found;
  const { clock, leaseMs, workerId, pollIntervalMs } = worker.options;
  for (;;) {
    if (record === undefined) throw new IapError(ErrorCode.NOT_FOUND, `saga ${found.sagaId} disappeared from the store while run() waited for it`, { details: { sagaId: found.sagaId } });
    worker.assertOwnRecord(plan, record);
    if (!isSagaActive(record.status)) return worker.resultOf(plan, record);
    const now = clock.now();
    const acquired = await store.acquire(record.sagaId, { owner: workerId, now, leaseExpiresAt: now + leaseMs, statuses: ACTIVE });
    if (acquired.acquired) return worker.execute(plan, store, acquired.record, { resumed: true, signal });
    if (acquired.record !== undefined && isSagaActive(acquired.record.status)) {
      // another live worker drives it: wait for it to finish (or for its lease to expire)
      const wait = new AbortController();
      const unsubscribe = [worker.closeSignal, ...(signal === undefined ? [] : [signal])].map((s) => worker.fanout.subscribe(s, () => wait.abort(s.reason)));
      try {
        await sleep(pollIntervalMs, { clock, signal: wait.signal });
      } catch (error) {
        worker.assertOpen(plan.name);
        throw error;
      } finally {
        for (const off of unsubscribe) off();
      }
      record = await store.get(record.sagaId);
    } else record = acquired.record;
  }
}
