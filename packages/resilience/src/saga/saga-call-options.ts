import type { SagaStore } from './saga-store.js';

/**
 * Options of {@link SagaRunner.run}.
 *
 * @example
 * ```ts
 * await saga.run(input, { sagaId: `order-${input.orderId}`, deadlineMs: 60_000, signal: shutdown.signal });
 * ```
 */
export interface SagaRunOptions {
  /**
   * Identifies the run. Starting the same `sagaId` again returns the same run (its result, or the
   * run in progress), never a second execution; the stored input wins. Use a business key (`order-42`).
   * @defaultValue a new UUIDv7
   */
  sagaId?: string;
  /** @defaultValue the runner's `store` option */
  store?: SagaStore;
  /**
   * Stops this worker driving the saga (the current attempts see their signal abort). The saga is
   * not compensated: it stays `running` and resumable, its lease released.
   */
  signal?: AbortSignal;
  /**
   * Time budget before the pivot, in ms from the start, stored with the saga (it survives restarts).
   * No step attempt before the pivot starts after it: the saga compensates with a `SAGA_DEADLINE`
   * error. Steps after the pivot and compensations ignore it.
   * @defaultValue no deadline
   */
  deadlineMs?: number;
}

/**
 * Options of {@link SagaRunner.resume}.
 *
 * @example
 * ```ts
 * setInterval(() => void saga.resume({ concurrency: 8 }).catch(log.error), 30_000).unref();
 * ```
 */
export interface SagaResumeOptions {
  /** @defaultValue the runner's `store` option */
  store?: SagaStore;
  /** Stops claiming and stops the sagas being driven (they stay resumable). */
  signal?: AbortSignal;
  /**
   * How many sagas this call drives at the same time.
   * @defaultValue `4`
   */
  concurrency?: number;
  /**
   * Most sagas this call takes over.
   * @defaultValue no limit: until none is left to take over
   */
  limit?: number;
}

/**
 * Options of {@link SagaRunner.get}.
 *
 * @example
 * ```ts
 * const result = await saga.get('order-o-42', { store });
 * ```
 */
export interface SagaGetOptions {
  /** @defaultValue the runner's `store` option */
  store?: SagaStore;
}

/**
 * Options of the operator calls {@link SagaRunner.retry}, {@link SagaRunner.skip} and {@link SagaRunner.markResolved}.
 *
 * @example
 * ```ts
 * await saga.retry('order-o-42', { note: 'provider back up (ops-123)' });
 * ```
 */
export interface SagaOperatorOptions {
  /** @defaultValue the runner's `store` option */
  store?: SagaStore;
  /** Stops driving the saga after a retry or skip (it stays resumable). */
  signal?: AbortSignal;
  /** Recorded in the checkpoint log with the operator's action (who and why; no secrets). */
  note?: string;
}
