/**
 * Recording a published batch's outcomes under its lease: acknowledging the published messages,
 * scheduling retries and dead letters, releasing what goes back unattempted, then ending the lease.
 * Every statement is fenced by the lease token, so a relay whose lease was taken over changes
 * nothing (those messages count as lease lost).
 */
import { idArrayLiteral } from '../internal/claimed-row.js';
import type { RelayBatchResult } from '../relay-events.js';
import { completeBatch, observePublished } from './batch-metrics.js';
import type { Outcome, PublishedBatch, RecordedOutcomes } from './relay-batch.js';
import type { RelayContext } from './relay-context.js';

/** Acknowledges the published rows `okIds`; returns how many the lease no longer held. */
async function acknowledge(ctx: RelayContext, okIds: readonly string[], whole: boolean, leaseToken: string, now: number): Promise<number> {
  const { sql } = ctx;
  const ids = idArrayLiteral(okIds);
  const keep = ctx.options.outbox.keepPublishedForMs > 0;
  const text = keep ? (whole ? sql.ackKeep : sql.ackKeepPart) : whole ? sql.ackDelete : sql.ackDeletePart;
  const acked = await ctx.exec('acknowledging published messages', text, keep ? [ids, leaseToken, now] : [ids, leaseToken]);
  return okIds.length - acked;
}

/** Records the failed outcomes (retry or dead letter) and reports them; returns how many the lease no longer held. */
async function recordFailures(ctx: RelayContext, failed: readonly Outcome[], leaseToken: string, now: number): Promise<number> {
  const recorded = await ctx.exec('recording failed publishes', ctx.sql.fail, [
    failed.map((f) => f.claimed.ref.id),
    failed.map((f) => f.failure!.delayMs),
    failed.map((f) => f.failure!.dead),
    failed.map((f) => f.failure!.reason),
    leaseToken,
    now,
  ]);
  if (recorded === failed.length) {
    const { telemetry, relayId } = ctx.options;
    for (const f of failed) {
      const failure = f.failure!;
      if (failure.dead) {
        ctx.events.emit('deadLettered', { ...f.claimed.ref, reason: failure.reason });
        telemetry.histogram?.('iap.outbox.relay.attempts', f.claimed.ref.attempt, { relay: relayId, outcome: 'dead_lettered' });
      } else {
        ctx.retryDelays.remember(f.claimed.ref.id, failure.delayMs);
        ctx.events.emit('retry', { ...f.claimed.ref, error: failure.error, retryInMs: failure.delayMs });
      }
    }
  }
  return failed.length - recorded;
}

/** Records `outcomes` under the lease `leaseToken` (acknowledge, retry, dead-letter, release). */
export async function recordOutcomes(ctx: RelayContext, outcomes: readonly Outcome[], leaseToken: string): Promise<RecordedOutcomes> {
  const now = ctx.options.clock.now();
  const okIds: string[] = [];
  const failed: Outcome[] = [];
  const released: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.release) released.push(outcome.claimed.ref.id);
    else if (outcome.failure) failed.push(outcome);
    else okIds.push(outcome.claimed.ref.id);
  }
  // each statement is fenced by the batch's lease. A fully published batch is acknowledged and its
  // lease ended in one statement; otherwise each statement removes its rows from the lease
  // (published first, so a later failure cannot cost them a second publish), and endLease follows
  const whole = okIds.length === outcomes.length;
  let lost = 0;
  if (okIds.length > 0) {
    lost += await acknowledge(ctx, okIds, whole, leaseToken, now);
    observePublished(ctx, outcomes, now);
  }
  if (failed.length > 0) lost += await recordFailures(ctx, failed, leaseToken, now);
  ctx.retryDelays.forgetFinished(outcomes);
  let releasedCount = 0;
  if (released.length > 0) releasedCount = await ctx.exec('releasing claimed messages', ctx.sql.release, [idArrayLiteral(released), leaseToken]);
  if (!whole) await ctx.exec('ending a lease', ctx.sql.endLease, [leaseToken]);
  const dead = failed.filter((f) => f.failure!.dead).length;
  return { published: okIds.length, retried: failed.length - dead, dead, lost, released: releasedCount };
}

/** Records a published batch's outcomes under its lease, then reports the batch. */
export async function finishBatch(ctx: RelayContext, published: PublishedBatch): Promise<RelayBatchResult> {
  return completeBatch(ctx, published, await recordOutcomes(ctx, published.outcomes, published.leaseToken));
}

/**
 * Acknowledges a published batch with its own statement; a failure is reported (the lease then runs
 * out and the batch is published again).
 */
export async function acknowledgeAlone(ctx: RelayContext, batch: PublishedBatch): Promise<void> {
  try {
    await finishBatch(ctx, batch);
  } catch (error) {
    ctx.warn('acknowledging a published outbox batch failed; it is published again when its lease runs out', error);
  }
}
