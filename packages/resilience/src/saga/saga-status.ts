/**
 * Where a saga is in its life:
 * - `running`: executing its steps forward;
 * - `compensating`: undoing its completed steps in reverse order after a failure before the pivot;
 * - `completed`: every step succeeded;
 * - `compensated`: a step failed before the pivot and every completed step was undone;
 * - `failed`: a step after the pivot failed after its retries (never compensated: an operator
 *   retries, skips or resolves it);
 * - `compensation_failed`: a compensation failed after its retries (an operator retries, skips or
 *   resolves it);
 * - `resolved`: an operator marked a `failed` or `compensation_failed` saga as handled by hand.
 *
 * `running` and `compensating` are active (a worker holds or will take the lease);
 * `failed` and `compensation_failed` wait for an operator; the rest are final.
 *
 * @example
 * ```ts
 * const stuck = await store.list({ status: 'compensation_failed' satisfies SagaStatus });
 * ```
 */
export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated' | 'failed' | 'compensation_failed' | 'resolved';

/**
 * Every {@link SagaStatus}, in life-cycle order.
 *
 * @example
 * ```ts
 * for (const status of SAGA_STATUSES) console.log(status, (await store.list({ status })).length);
 * ```
 */
export const SAGA_STATUSES: readonly SagaStatus[] = Object.freeze([
  'running',
  'compensating',
  'completed',
  'compensated',
  'failed',
  'compensation_failed',
  'resolved',
]);

/**
 * True for the statuses a worker still drives forward or backward (`running`, `compensating`):
 * `resume()` picks these up when their lease has expired.
 *
 * @example
 * ```ts
 * if (isSagaActive(record.status)) console.log('still in progress');
 * ```
 */
export function isSagaActive(status: SagaStatus): boolean {
  return status === 'running' || status === 'compensating';
}

/**
 * True when `value` is one of {@link SAGA_STATUSES} (for parsing query parameters or rows).
 *
 * @example
 * ```ts
 * const status = isSagaStatus(req.query.status) ? req.query.status : undefined;
 * ```
 */
export function isSagaStatus(value: unknown): value is SagaStatus {
  return typeof value === 'string' && (SAGA_STATUSES as readonly string[]).includes(value);
}

/** The statuses of a saga that is over and needs nobody: `completed`, `compensated`, `resolved`. */
export type SagaFinishedStatus = 'completed' | 'compensated' | 'resolved';

/**
 * Every {@link SagaFinishedStatus}: the runs `saga.purge()` may remove. `failed` and
 * `compensation_failed` are not among them: they wait for an operator.
 *
 * @example
 * ```ts
 * SAGA_FINISHED_STATUSES.includes('completed'); // true
 * ```
 */
export const SAGA_FINISHED_STATUSES: readonly SagaFinishedStatus[] = Object.freeze(['completed', 'compensated', 'resolved']);
