/**
 * One pipeline slot of a started relay. Slot 0 polls (adaptive backoff while idle); the other slots
 * only run while there is more work than one batch, and otherwise sleep until a wake-up. Claims
 * exclude every key with a message in flight, so slots never share a key.
 */
import { claimAndPublish, type RoundContext } from './claim-and-publish.js';
import { PollBackoff } from './poll-backoff.js';
import { acknowledgeAlone, finishBatch } from './record-outcomes.js';
import { allPublished, type PublishedBatch } from './relay-batch.js';
import type { RelayContext } from './relay-context.js';
import type { WakeSignal } from './wake-signal.js';

/** What a slot needs besides the relay's context. */
export interface SlotContext {
  readonly relay: RelayContext;
  readonly round: RoundContext;
  readonly wakeSignal: WakeSignal;
  /** Whether the relay runs (the slot ends once it does not). */
  readonly running: () => boolean;
}

/** Runs slot number `slot` until the relay stops; acknowledges what it published before it ends. */
export async function runSlot(ctx: SlotContext, slot: number): Promise<void> {
  const { relay, round, wakeSignal, running } = ctx;
  const backoff = new PollBackoff(relay.options);
  /**
   * The slot's last batch when all of it was published: its acknowledgement rides on the slot's
   * next claim (one round trip instead of two). Until then its rows stay leased, so their keys
   * stay blocked, exactly as while publishing.
   */
  let unacknowledged: PublishedBatch | undefined;
  while (running()) {
    const generation = wakeSignal.generation;
    let claimed = 0;
    const previous = unacknowledged;
    unacknowledged = undefined;
    try {
      const next = await claimAndPublish(round, previous, true);
      if (next !== undefined) {
        claimed = next.claimed;
        if (allPublished(next) && running()) unacknowledged = next;
        else await finishBatch(relay, next);
      }
      backoff.succeeded();
    } catch (error) {
      backoff.failed();
      relay.warn('outbox relay round failed; backing off', error);
    }
    if (!running()) break;
    if (claimed > 0) {
      backoff.reset();
      // a full batch, or batches claimed ahead, mean more work than one slot: let the idle slots help
      if ((claimed === relay.options.batchSize || round.source.readyCount > 0) && wakeSignal.hasWaiters) wakeSignal.wake();
      continue;
    }
    if (backoff.failing) await wakeSignal.wait(backoff.errorDelayMs(), generation);
    else if (slot > 0) await wakeSignal.wait(undefined, generation);
    else {
      await wakeSignal.wait(backoff.nextIdleDelayMs(), generation);
      if (wakeSignal.generation !== generation) backoff.reset();
    }
  }
  // a stopping relay acknowledges what it published before the loop ends
  if (unacknowledged !== undefined) await acknowledgeAlone(relay, unacknowledged);
}
