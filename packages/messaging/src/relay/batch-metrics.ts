/**
 * What a relay reports about a batch once its outcomes are recorded: counters, latency and attempt
 * histograms, the `leaseLost` and `batch` events, and the round's result.
 */
import type { RelayBatchResult } from '../relay-events.js';
import type { Outcome, PublishedBatch, RecordedOutcomes } from './relay-batch.js';
import type { RelayContext } from './relay-context.js';

/** Latency and attempt histograms of acknowledged messages. */
export function observePublished(ctx: RelayContext, outcomes: readonly Outcome[], now: number): void {
  const { telemetry, relayId } = ctx.options;
  if (!telemetry.histogram) return;
  for (const outcome of outcomes) {
    if (outcome.failure || outcome.release) continue;
    telemetry.histogram('iap.outbox.relay.delivery_latency_ms', Math.max(0, now - outcome.claimed.createdAtMs), { relay: relayId });
    telemetry.histogram('iap.outbox.relay.attempts', outcome.claimed.ref.attempt, { relay: relayId, outcome: 'published' });
  }
}

/** Counts, events and the result of a batch whose outcomes are recorded. */
export function completeBatch(ctx: RelayContext, published: PublishedBatch, recorded: RecordedOutcomes): RelayBatchResult {
  const { leaseToken } = published;
  ctx.count('iap.outbox.relay.published', recorded.published);
  ctx.count('iap.outbox.relay.retried', recorded.retried);
  ctx.count('iap.outbox.relay.dead_lettered', recorded.dead);
  ctx.count('iap.outbox.relay.lease_lost', recorded.lost);
  if (recorded.lost > 0) ctx.events.emit('leaseLost', { count: recorded.lost, leaseToken });
  const result: RelayBatchResult = {
    claimed: published.claimed,
    published: recorded.published,
    retried: recorded.retried,
    deadLettered: recorded.dead,
    leaseLost: recorded.lost,
    released: recorded.released,
  };
  ctx.events.emit('batch', { ...result, durationMs: ctx.options.clock.now() - published.started });
  return result;
}
