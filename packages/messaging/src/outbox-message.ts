import type { Envelope } from '@iap/core';

/**
 * One message to write to the outbox: a core envelope and where it goes.
 *
 * @example
 * ```ts
 * const message: OutboxMessage = {
 *   destination: 'orders',
 *   envelope: createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1' }, partitionKey: 'o-1' }),
 * };
 * ```
 */
export interface OutboxMessage {
  /** Destination topic, queue or subject. Non-empty, at most 512 characters. */
  readonly destination: string;
  /** The event. Its `traceparent` / `tracestate` are copied into the headers. */
  readonly envelope: Envelope;
  /**
   * Ordering key: messages with the same key are published one at a time, in commit order.
   * Messages without a key are unordered.
   * @defaultValue `envelope.partitionKey`
   */
  readonly partitionKey?: string | undefined;
  /** Extra transport headers (string values). @defaultValue `{}` */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * A dead-lettered outbox message, as listed by `Outbox.listDeadLetters`.
 * @example
 * ```ts
 * for (const letter of await outbox.listDeadLetters(db)) console.log(letter.id, letter.messageId, letter.lastError);
 * ```
 */
export interface DeadLetter {
  /** Outbox row id (a decimal string); pass it to `replayDeadLetters` / `discardDeadLetters`. */
  readonly id: string;
  /** The envelope id. */
  readonly messageId: string;
  readonly destination: string;
  readonly partitionKey: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The stored envelope, or undefined when the stored JSON is not a valid envelope (see `lastError`). */
  readonly envelope: Envelope | undefined;
  /** Publish attempts started (claims), including ones that never finished. */
  readonly attempts: number;
  /** Why it was dead-lettered: the last publish error, never a payload value. */
  readonly lastError: string | undefined;
  /** When it was written, ms since the epoch. */
  readonly createdAtMs: number;
  /** When it was dead-lettered, ms since the epoch. */
  readonly deadAtMs: number;
}

/**
 * A snapshot of the outbox table, as returned by `Outbox.stats`.
 * @example
 * ```ts
 * const stats = await outbox.stats(db);
 * if (stats.oldestPendingAgeMs > 60_000) alert('outbox is falling behind');
 * ```
 */
export interface OutboxStats {
  /** Messages waiting to be published (including those in flight and in backoff). */
  readonly pending: number;
  /** Messages held by unexpired relay leases: claimed and not yet recorded as published, failed or released. */
  readonly inFlight: number;
  /** Age of the oldest pending message in ms; `0` when none is pending. */
  readonly oldestPendingAgeMs: number;
  /** Messages in the dead-letter state. */
  readonly deadLetters: number;
}
