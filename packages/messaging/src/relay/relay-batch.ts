/**
 * A batch as it moves through a relay: claimed (leased rows, not yet published), then published
 * (one outcome per message), then recorded (acknowledged, retried, dead-lettered or released under
 * its lease).
 */
import type { IapError } from '@iap/core';
import type { Claimed, ClaimedRow } from '../internal/claimed-row.js';
import type { RelayBatchResult } from '../relay-events.js';

/** What happened to one message of a batch. */
export interface Outcome {
  readonly claimed: Claimed;
  /** undefined = published; otherwise why it failed and whether it is dead. */
  readonly failure?: { readonly error: IapError; readonly dead: boolean; readonly delayMs: number; readonly reason: string };
  /** Hand back without counting the attempt (stop, publisher unusable). */
  readonly release?: boolean;
}

/** What recording a batch's outcomes did. */
export interface RecordedOutcomes {
  readonly published: number;
  readonly retried: number;
  readonly dead: number;
  readonly lost: number;
  readonly released: number;
}

/** A claimed batch, not yet published. */
export interface ClaimedBatch {
  /** When it was claimed. */
  readonly started: number;
  readonly leaseToken: string;
  readonly batch: readonly ClaimedRow[];
}

/** A batch that was claimed and published (or handed back), waiting for its outcomes to be recorded. */
export interface PublishedBatch {
  readonly started: number;
  readonly leaseToken: string;
  readonly claimed: number;
  readonly outcomes: readonly Outcome[];
}

/** The result of a round that claimed nothing. */
export const EMPTY_RESULT: RelayBatchResult = { claimed: 0, published: 0, retried: 0, deadLettered: 0, leaseLost: 0, released: 0 };

/** Whether every message of the batch was published (its recording is one acknowledgement). */
export function allPublished(batch: PublishedBatch): boolean {
  return batch.outcomes.length === batch.claimed && batch.outcomes.every((outcome) => !outcome.failure && !outcome.release);
}

/** A claimed batch handed back unpublished: every message released, no attempt counted. */
export function releasedBatch({ started, leaseToken, batch }: ClaimedBatch): PublishedBatch {
  return { started, leaseToken, claimed: batch.length, outcomes: batch.map(({ claimed }): Outcome => ({ claimed, release: true })) };
}
