import type { IapError } from '@iap/core';

/** Where a record was read. */
interface At {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string. */
  readonly offset: string;
}

/**
 * Events of a consumer runner (`consumer.events.on(name, listener)`). Listeners run synchronously;
 * a listener that throws never disturbs consumption.
 *
 * @example
 * ```ts
 * consumer.events.on('deadLettered', (e) => log.warn({ topic: e.topic, offset: e.offset, code: e.error.code }, 'dead-lettered'));
 * ```
 */
export interface ConsumerEvents {
  /** The consumer joined its group and fetches. */
  started: { readonly groupId: string; readonly topics: readonly string[] };
  /** The handler succeeded for a record. */
  processed: At & { readonly type: string; readonly durationMs: number; readonly attempt: number };
  /** A record was skipped because the idempotency store has already seen it. */
  duplicate: At & { readonly idempotencyKey: string };
  /** The handler failed with a retryable error; it is called again after `delayMs`. */
  retrying: At & { readonly attempt: number; readonly delayMs: number; readonly error: IapError };
  /** A record was written to its dead-letter topic (and is then committed). */
  deadLettered: At & { readonly deadLetterTopic: string; readonly error: IapError };
  /** A record was written to a retry topic, due at `dueAt` (ms since the epoch). */
  forwarded: At & { readonly retryTopic: string; readonly dueAt: number; readonly deliveryAttempt: number; readonly error: IapError };
  /** A partition was paused and will resume at `offset` after `delayMs`. */
  paused: At & { readonly delayMs: number; readonly reason: 'blocked' | 'not-due' | 'store-unavailable' };
  /** Records left behind the fetch position of a partition after a batch. */
  lag: { readonly topic: string; readonly partition: number; readonly lag: number };
  /** Something went wrong that consumption survives (commit failed, dead-letter write failed, client crash). */
  error: { readonly error: IapError };
  /** The consumer drained, committed and left its group. */
  closed: { readonly groupId: string };
}
