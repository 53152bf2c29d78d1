/**
 * Why the pipeline asks the broker to pause: the message is a redelivery that is not due yet
 * (`not-due`), the idempotency store failed (`store-unavailable`), or the message must be tried
 * again later in place (`blocked`: the block policy, or a failure of the pipeline itself).
 *
 * @example
 * ```ts
 * const reason: ConsumePauseReason = 'not-due';
 * ```
 */
export type ConsumePauseReason = 'blocked' | 'not-due' | 'store-unavailable';

/**
 * How the pipeline ended for one message; the broker adapter acts on it:
 * - `done`: handled, a duplicate, dead-lettered or redelivered later; acknowledge it (Kafka commits
 *   the offset, RabbitMQ acks, SQS deletes);
 * - `stop`: the consumer closes or lost the message (rebalance); do not acknowledge it, it comes back;
 * - `pause`: do not acknowledge; deliver this message again after `delayMs` (Kafka seeks and pauses
 *   the partition, RabbitMQ nacks with requeue after a delay, SQS changes the visibility timeout).
 *
 * @example
 * ```ts
 * const outcome = pipeline.deliver(message);
 * const settled = outcome instanceof Promise ? await outcome : outcome;
 * if (settled.kind === 'done') await channel.ack(message);
 * ```
 */
export type ConsumeOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'pause'; readonly delayMs: number; readonly reason: ConsumePauseReason };

/**
 * The shared `done` outcome (no object per message).
 *
 * @example
 * ```ts
 * return CONSUME_DONE;
 * ```
 */
export const CONSUME_DONE: ConsumeOutcome = Object.freeze({ kind: 'done' });

/**
 * The shared `stop` outcome.
 *
 * @example
 * ```ts
 * if (closing) return CONSUME_STOP;
 * ```
 */
export const CONSUME_STOP: ConsumeOutcome = Object.freeze({ kind: 'stop' });
