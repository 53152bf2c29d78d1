/**
 * One relay round up to its outcomes: take the next batch from the batch source and publish it (or
 * hand it back when the relay is stopping). Recording the outcomes is left to the caller, so a slot
 * can let a fully published batch's acknowledgement ride on its next claim.
 */
import type { BatchSource } from './batch-source.js';
import { publishBatch, type PublishContext } from './publish-batch.js';
import { releasedBatch, type PublishedBatch } from './relay-batch.js';

/** Where batches come from and how they are published. */
export interface RoundContext {
  readonly source: BatchSource;
  readonly publish: PublishContext;
}

/**
 * Claims a batch (acknowledging `previous` on the way, see `BatchSource.next`) and publishes it;
 * `undefined` when nothing was available.
 */
export async function claimAndPublish(ctx: RoundContext, previous: PublishedBatch | undefined, ahead: boolean): Promise<PublishedBatch | undefined> {
  const claimed = await ctx.source.next(previous, ahead);
  if (claimed === undefined) return undefined;
  if (ctx.publish.stopRequested()) return releasedBatch(claimed);
  const { started, leaseToken, batch } = claimed;
  // outcomes keep only the rows' bookkeeping: the payloads are not held until the acknowledgement
  const outcomes = await publishBatch(ctx.publish, batch, leaseToken);
  return { started, leaseToken, claimed: batch.length, outcomes };
}
