/**
 * The public face of a relay: what `createRelay` returns and the options of its `stop()`.
 */
import type { Listener } from '@iap/core';
import type { RelayBatchResult, RelayEvents } from '../relay-events.js';

/**
 * Options for {@link Relay.stop}.
 * @example
 * ```ts
 * process.once('SIGTERM', () => void relay.stop({ timeoutMs: 5_000 }));
 * ```
 */
export interface RelayStopOptions {
  /**
   * How long to let the in-flight batches finish; then their publish is aborted and their unconfirmed
   * messages are released for another relay. @defaultValue `10_000`
   */
  timeoutMs?: number;
}

/**
 * Publishes outbox messages: claims a batch (one short statement, leased under a fencing token),
 * publishes it outside any transaction, acknowledges it in one statement that only succeeds for the
 * current lease holder. Run as many as you like, in one process or many.
 * @example
 * ```ts
 * relay.start();
 * const off = relay.on('deadLettered', (e) => logger.warn({ id: e.id, reason: e.reason }, 'dead letter'));
 * // later
 * off();
 * await relay.stop();
 * ```
 */
export interface Relay {
  /** This relay's id (the `claimed_by` value of its leases). */
  readonly id: string;
  /** True between `start()` and `stop()`. */
  readonly running: boolean;
  /**
   * Starts the loop: claims while there is work, otherwise waits for an in-process wake-up, a
   * NOTIFY, or the adaptive backup poll. Idempotent.
   * @throws IapError `CLOSED` after `stop()`.
   */
  start(): void;
  /**
   * Runs one claim → publish → acknowledge round now (calls of `runOnce` run one at a time; a
   * started loop keeps running beside them, like another relay). For tests, scripts
   * and benchmarks; a started relay needs no help.
   * @throws IapError `CLOSED` after `stop()`; `STORE_FAILED` when the database fails.
   */
  runOnce(): Promise<RelayBatchResult>;
  /** Stops gracefully: finishes (or after `timeoutMs` releases) the in-flight batches, unlistens, clears timers. */
  stop(options?: RelayStopOptions): Promise<void>;
  /** Same as `stop()` with defaults. Does not close the publisher or the database. */
  close(): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof RelayEvents>(event: K, listener: Listener<RelayEvents[K]>): () => void;
  /** Removes a listener added with `on`. */
  off<K extends keyof RelayEvents>(event: K, listener: Listener<RelayEvents[K]>): void;
}
