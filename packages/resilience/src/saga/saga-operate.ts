import { ErrorCode, IapError } from '@iap/core';
import type { SagaOperatorOptions } from './saga-call-options.js';
import { invalidOptions } from './saga-errors.js';
import { SagaStateError } from './saga-errors.js';
import type { OperatorAction } from './saga-execution.js';
import type { SagaPlan } from './saga-plan.js';
import type { SagaResult } from './saga-result.js';
import type { SagaWorker } from './saga-worker.js';

const WAITING: readonly ['failed', 'compensation_failed'] = ['failed', 'compensation_failed'];

/**
 * @internal The operator calls `retry()`, `skip()` and `markResolved()`: takes the lease of a saga
 * that waits for an operator (`failed` or `compensation_failed`), records the action in its log and
 * drives it on from there.
 */
export async function operateOnRun(worker: SagaWorker, plan: SagaPlan, kind: OperatorAction['kind'], sagaId: string, options: SagaOperatorOptions): Promise<SagaResult<unknown>> {
  const where = `saga "${plan.name}" ${kind === 'resolve' ? 'markResolved' : kind}()`;
  const store = worker.storeFor(where, options.store);
  if (options.note !== undefined && (typeof options.note !== 'string' || options.note.length > 2000)) throw invalidOptions(where, 'note must be a string of at most 2000 characters');
  worker.assertOpen(plan.name);
  const current = await store.get(sagaId);
  if (current === undefined) throw new IapError(ErrorCode.NOT_FOUND, `${where}: no saga with id ${sagaId} in the store`, { details: { sagaId } });
  worker.assertOwnRecord(plan, current);
  if (!(WAITING as readonly string[]).includes(current.status)) {
    throw new SagaStateError(`${where}: saga ${sagaId} is ${current.status}; only failed or compensation_failed sagas wait for an operator`, {
      details: { sagaId, status: current.status },
    });
  }
  const { clock, leaseMs, workerId } = worker.options;
  const now = clock.now();
  const acquired = await store.acquire(sagaId, { owner: workerId, now, leaseExpiresAt: now + leaseMs, statuses: WAITING });
  if (!acquired.acquired) {
    throw new SagaStateError(`${where}: saga ${sagaId} changed while the operator call ran (now ${acquired.record?.status ?? 'gone'}); read it again`, {
      details: { sagaId },
    });
  }
  const record = acquired.record;
  return worker.track(store, sagaId, () => worker.execute(plan, store, record, { resumed: true, signal: options.signal, operator: { kind, note: options.note } }));
}
