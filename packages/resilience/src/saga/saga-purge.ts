/**
 * Removing finished saga runs from a store: the options of `saga.purge()` and their checks. Only
 * runs that are over and need nobody (`completed`, `compensated`, `resolved`) can be removed; runs
 * that are active or wait for an operator stay.
 */
import { invalidOptions } from './saga-errors.js';
import { SAGA_FINISHED_STATUSES, type SagaFinishedStatus } from './saga-status.js';
import type { SagaPurgeInput, SagaStore } from './saga-store.js';

/**
 * Options of `saga.purge()`.
 *
 * @example
 * ```ts
 * // nightly: forget finished orders after 30 days, 1,000 at a time
 * while ((await saga.purge({ olderThanMs: 30 * 86_400_000 })) === 1_000);
 * ```
 */
export interface SagaPurgeOptions {
  /** Removes runs last written more than this long ago (ms, > 0). */
  olderThanMs: number;
  /** Which finished runs. @defaultValue `['completed', 'compensated', 'resolved']` */
  statuses?: readonly SagaFinishedStatus[];
  /** Most runs removed by one call; call again while it returns `limit`. @defaultValue `1_000` */
  limit?: number;
  /** @defaultValue the saga's `store` option */
  store?: SagaStore;
}

/**
 * The store request for `options`, at time `now`.
 * @throws IapError `INVALID_OPTIONS` naming the bad option (a status that is not finished included).
 */
export function purgeInput(where: string, sagaName: string, options: SagaPurgeOptions, now: number): SagaPurgeInput {
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object');
  const { olderThanMs } = options;
  if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs <= 0) throw invalidOptions(where, 'olderThanMs must be a finite number > 0');
  const limit = options.limit ?? 1_000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw invalidOptions(where, 'limit must be an integer from 1 to 100,000');
  const statuses = options.statuses ?? SAGA_FINISHED_STATUSES;
  if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((status) => !(SAGA_FINISHED_STATUSES as readonly unknown[]).includes(status))) {
    throw invalidOptions(where, `statuses must list finished statuses only (${SAGA_FINISHED_STATUSES.join(', ')}); failed and compensation_failed runs wait for an operator`);
  }
  return { sagaName, statuses, updatedBefore: now - olderThanMs, limit };
}
