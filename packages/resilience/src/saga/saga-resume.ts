import { abortedError, ErrorCode, hasErrorCode } from '@iap/core';
import type { SagaResumeOptions } from './saga-call-options.js';
import { asError, invalidOptions } from './saga-errors.js';
import type { SagaPlan } from './saga-plan.js';
import type { SagaResult } from './saga-result.js';
import type { SagaRecord } from './saga-store.js';
import type { SagaWorker } from './saga-worker.js';

/**
 * @internal `resume()`: `concurrency` lanes claim the active runs of this saga whose lease expired,
 * one at a time, and drive each from its last checkpoint, until none is left, `limit` were taken,
 * the signal aborts or the worker closes. A run lost to another worker (`LEASE_LOST`) is skipped;
 * any other failure stops the lanes and is thrown once they stopped.
 */
export async function resumeRuns(worker: SagaWorker, plan: SagaPlan, options: SagaResumeOptions): Promise<Array<SagaResult<unknown>>> {
  const where = `saga "${plan.name}" resume()`;
  const store = worker.storeFor(where, options.store);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw invalidOptions(where, 'concurrency must be an integer >= 1');
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(typeof limit === 'number' && limit >= 0 && (Number.isInteger(limit) || limit === Number.POSITIVE_INFINITY))) {
    throw invalidOptions(where, 'limit must be an integer >= 0');
  }
  worker.assertOpen(plan.name);
  const { signal } = options;
  const { clock, leaseMs, workerId } = worker.options;
  const results: Array<SagaResult<unknown>> = [];
  let taken = 0;
  let failure: unknown;
  const lane = async (): Promise<void> => {
    while (failure === undefined && signal?.aborted !== true && !worker.closed && taken < limit) {
      taken++;
      let record: SagaRecord | undefined;
      try {
        const now = clock.now();
        [record] = await store.claim({ sagaName: plan.name, owner: workerId, now, leaseExpiresAt: now + leaseMs, limit: 1 });
      } catch (error) {
        failure ??= error;
        return;
      }
      if (record === undefined) {
        taken--;
        return;
      }
      const claimed = record;
      try {
        results.push(await worker.track(store, claimed.sagaId, () => worker.execute(plan, store, claimed, { resumed: true, signal })));
      } catch (error) {
        if (!hasErrorCode(error, ErrorCode.LEASE_LOST)) failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (failure !== undefined) throw asError(failure);
  if (signal?.aborted === true) throw abortedError(signal, `saga "${plan.name}" resume`);
  worker.assertOpen(plan.name);
  return results;
}
