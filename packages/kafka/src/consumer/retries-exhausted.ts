import { baseRetryDelay, type IapError } from '@iap/core';
import type { Delivery, Outcome } from './delivery-context.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import type { Forwarder } from './forwarder.js';
import type { MaybePromise } from './maybe-async.js';
import type { PartitionControl } from './partition-control.js';

/** Applies `onRetriesExhausted` to a record whose in-process retries are spent. */
export type RetriesExhausted = (delivery: Delivery, error: IapError, recorded: unknown) => MaybePromise<Outcome>;

/**
 * Makes the `onRetriesExhausted` step: `retry-topics` forwards the record to the next retry topic
 * (the dead-letter topic after the last), `block` pauses the partition on the record with the
 * policy's backoff, `dead-letter` writes it to the dead-letter topic.
 */
export function createRetriesExhausted(runtime: ConsumerRuntime, forwarder: Forwarder, partitions: PartitionControl): RetriesExhausted {
  const { config } = runtime;
  const exhausted = config.onRetriesExhausted;
  return (delivery, error, recorded) => {
    const { scope, message, deliveryAttempt } = delivery;
    const { route, batch } = scope;
    if (exhausted.mode === 'retry-topics' && route.level < exhausted.delaysMs.length) {
      const dueAt = config.clock.now() + exhausted.delaysMs[route.level]!;
      return forwarder.toRetryTopic(delivery, route.level + 1, dueAt, deliveryAttempt + 1, error, recorded);
    }
    if (exhausted.mode === 'block') {
      const failures = partitions.countBlockedFailure(batch.topic, batch.partition, message.offset);
      return { kind: 'pause', delayMs: baseRetryDelay(exhausted.backoff, failures), reason: 'blocked' };
    }
    return forwarder.deadLetter(delivery, error, recorded);
  };
}
