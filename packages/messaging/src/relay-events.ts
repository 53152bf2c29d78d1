import type { IapError } from '@iap/core';
import type { OutboxStats } from './outbox-message.js';

/**
 * The outcome of one claim → publish → acknowledge round, as returned by `Relay.runOnce`.
 * @example
 * ```ts
 * const { claimed, published, retried, deadLettered } = await relay.runOnce();
 * ```
 */
export interface RelayBatchResult {
  /** Messages claimed (leased) by this round. */
  readonly claimed: number;
  /** Messages the publisher confirmed and this relay acknowledged. */
  readonly published: number;
  /** Messages that failed and were scheduled for another attempt (their key waits). */
  readonly retried: number;
  /** Messages moved to the dead-letter state (attempts exhausted, non-retryable, undecodable, crash loop). */
  readonly deadLettered: number;
  /** Messages whose lease was taken over by another relay before this one could record the outcome. */
  readonly leaseLost: number;
  /** Messages handed back unpublished (graceful stop, publisher unusable). */
  readonly released: number;
}

/**
 * Identifies one outbox message in relay events (never payload values).
 * @example
 * ```ts
 * relay.on('retry', (e) => logger.info({ id: e.id, key: e.partitionKey, attempt: e.attempt, inMs: e.retryInMs }, 'publish failed; will retry'));
 * ```
 */
export interface RelayMessageRef {
  /** Outbox row id. */
  readonly id: string;
  /** Envelope id. */
  readonly messageId: string;
  readonly destination: string;
  readonly partitionKey: string | undefined;
  /** Publish attempts started so far, this one included. */
  readonly attempt: number;
}

/**
 * The typed events of a relay (see `Relay.on`).
 * @example
 * ```ts
 * relay.on('batch', (b) => metrics.count('outbox.published', b.published));
 * relay.on('error', (e) => logger.warn({ code: e.error.code }, e.error.message));
 * ```
 */
export interface RelayEvents {
  /** After every round that claimed something. */
  batch: RelayBatchResult & { readonly durationMs: number };
  /** A message failed and will be retried after `retryInMs`; its key waits, other keys flow. */
  retry: RelayMessageRef & { readonly error: IapError; readonly retryInMs: number };
  /** A message was dead-lettered: its key is unblocked; replay or discard it through the outbox. */
  deadLettered: RelayMessageRef & { readonly reason: string };
  /**
   * A message was claimed again after `unfinishedClaims` consecutive claims that never finished
   * (the relay holding it crashed or hung). At `crashLoopThreshold` it is dead-lettered.
   */
  crashLoop: RelayMessageRef & { readonly unfinishedClaims: number; readonly deadLettered: boolean };
  /** Another relay took over `count` messages of this relay's batch after its lease expired. */
  leaseLost: { readonly count: number; readonly leaseToken: string };
  /** A round failed (database unreachable, publisher unusable); the relay backs off and keeps going. */
  error: { readonly error: IapError };
  /** Periodic outbox statistics (every `metricsIntervalMs`, when anybody listens or telemetry has gauges). */
  stats: OutboxStats;
}
