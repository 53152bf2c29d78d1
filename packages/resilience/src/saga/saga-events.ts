import type { SagaStatus } from './saga-status.js';

/**
 * Whether an event concerns a step's action or its compensation.
 *
 * @example
 * ```ts
 * saga.on('stepStarted', (e) => e.phase === 'compensation' && metrics.count('saga.compensations'));
 * ```
 */
export type SagaPhase = 'action' | 'compensation';

/**
 * Fields every saga event carries.
 *
 * @example
 * ```ts
 * saga.on('sagaFinished', ({ sagaId, sagaName, status }) => log.info({ sagaId, sagaName, status }, 'saga finished'));
 * ```
 */
export interface SagaEventBase {
  readonly sagaId: string;
  readonly sagaName: string;
}

/**
 * Typed events of a saga, for logs, metrics and traces (subscribe with `saga.on(name, listener)`).
 * Listeners run synchronously and must not throw (errors go to `onListenerError`). Payloads carry
 * ids, names, counts and errors, never inputs or results.
 *
 * @example
 * ```ts
 * saga.on('stepRetrying', (e) => log.warn({ sagaId: e.sagaId, step: e.step, attempt: e.attempt, delayMs: e.delayMs }, 'retrying'));
 * ```
 */
export interface SagaEvents {
  /** A worker started (or took over) driving a saga. */
  sagaStarted: SagaEventBase & { readonly status: SagaStatus; readonly resumed: boolean };
  /** An attempt of an action or a compensation starts. */
  stepStarted: SagaEventBase & { readonly step: string; readonly phase: SagaPhase; readonly attempt: number };
  /** An attempt failed and will be retried after `delayMs`. */
  stepRetrying: SagaEventBase & { readonly step: string; readonly phase: SagaPhase; readonly attempt: number; readonly delayMs: number; readonly error: unknown };
  /** An action succeeded and its result was checkpointed. */
  stepCompleted: SagaEventBase & { readonly step: string; readonly attempts: number };
  /** An action failed after its retries (or hit the deadline); checkpointed. */
  stepFailed: SagaEventBase & { readonly step: string; readonly attempts: number; readonly error: unknown };
  /** A compensation succeeded; checkpointed. */
  stepCompensated: SagaEventBase & { readonly step: string; readonly attempts: number };
  /** A compensation failed after its retries; the saga becomes `compensation_failed`. */
  compensationFailed: SagaEventBase & { readonly step: string; readonly attempts: number; readonly error: unknown };
  /** An operator skipped a failed step (`action`) or compensation (`compensation`). */
  stepSkipped: SagaEventBase & { readonly step: string; readonly phase: SagaPhase };
  /** The saga reached a status where this worker stops: final, `failed` or `compensation_failed`. */
  sagaFinished: SagaEventBase & { readonly status: SagaStatus; readonly failedStep: string | undefined };
  /**
   * This worker stopped driving an unfinished saga: its signal aborted (`aborted`), the saga object
   * was closed (`closed`), another worker took the lease (`lease_lost`) or the store failed (`error`).
   * The saga stays resumable.
   */
  sagaStopped: SagaEventBase & { readonly reason: 'aborted' | 'closed' | 'lease_lost' | 'error'; readonly error: unknown };
}
