/**
 * What a relay reports about a batch: the span of its publish, and once its outcomes are recorded,
 * counters, latency and attempt histograms, the `leaseLost` and `batch` events, and the round's result.
 */
import { parseTraceparent, type PublishMessage, type TelemetrySpan } from '@iap/core';
import type { RelayBatchResult } from '../relay-events.js';
import type { Outcome, PublishedBatch, RecordedOutcomes } from './relay-batch.js';
import type { RelayContext } from './relay-context.js';

/** Most messages of a batch a publish span links to (OpenTelemetry SDKs keep 128 links by default). */
const MAX_SPAN_LINKS = 128;

/**
 * Starts the span of one publisher call, named and attributed by OpenTelemetry's messaging semantic
 * conventions: `publish <destination>` (or `publish` for a batch to several destinations),
 * `messaging.operation.type` `send` (a producer span), the destination, and the message id of a
 * single message or the message count of a batch. It continues the messages' trace when they all
 * carry one trace id (a single message, or a batch from one business transaction), and links to
 * the `traceparent` of every message of a batch. `messaging.system` is the publisher's, which the
 * relay does not know: the telemetry adapter adds it.
 */
export function startPublishSpan(ctx: RelayContext, messages: readonly PublishMessage[]): TelemetrySpan | undefined {
  const { telemetry, relayId } = ctx.options;
  if (telemetry.startSpan === undefined) return undefined;
  const first = messages[0];
  const destination = first !== undefined && messages.every((m) => m.destination === first.destination) ? first.destination : undefined;
  const traceparents: string[] = [];
  const traceIds = new Set<string>();
  for (const message of messages) {
    const traceparent = message.envelope.traceparent ?? message.headers.traceparent;
    const parsed = traceparent === undefined ? undefined : parseTraceparent(traceparent);
    if (traceparent === undefined || parsed === undefined) continue;
    traceIds.add(parsed.traceId);
    if (traceparents.length < MAX_SPAN_LINKS) traceparents.push(traceparent);
  }
  const single = messages.length === 1 && first !== undefined;
  return telemetry.startSpan(
    destination === undefined ? 'publish' : `publish ${destination}`,
    {
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      ...(destination === undefined ? {} : { 'messaging.destination.name': destination }),
      ...(single ? { 'messaging.message.id': first.id } : { 'messaging.batch.message_count': messages.length }),
      relay: relayId,
    },
    {
      ...(traceIds.size === 1 && traceparents[0] !== undefined ? { parent: traceparents[0] } : {}),
      ...(single || traceparents.length === 0 ? {} : { links: traceparents }),
    },
  );
}

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
