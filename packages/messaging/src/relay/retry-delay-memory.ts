import type { Outcome } from './relay-batch.js';

/**
 * The last retry delay of each message this relay scheduled for a retry, for `decorrelated` jitter
 * (its next delay is drawn from `[initial, previous * 3]`). The outbox stores no delay, so this is
 * memory of one relay: a message retried by another relay, or after a restart, starts again from the
 * initial delay, as the policy does for an unknown previous delay. Bounded: the oldest entries go
 * first, so messages that another relay finished cannot pile up.
 */
export class RetryDelayMemory {
  readonly #delays = new Map<string, number>();
  readonly #capacity: number;

  /** @param capacity most messages remembered; `0` remembers nothing (jitters that need no previous delay). */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Whether anything is remembered (only `decorrelated` jitter reads a previous delay). */
  get enabled(): boolean {
    return this.#capacity > 0;
  }

  /** The last delay scheduled for the outbox row `id`, if this relay scheduled one. */
  previousDelayMs(id: string): number | undefined {
    return this.#capacity === 0 ? undefined : this.#delays.get(id);
  }

  /** Remembers the delay just scheduled for row `id`. */
  remember(id: string, delayMs: number): void {
    if (this.#capacity === 0) return;
    this.#delays.delete(id);
    this.#delays.set(id, delayMs);
    if (this.#delays.size > this.#capacity) {
      const oldest = this.#delays.keys().next();
      if (oldest.done !== true) this.#delays.delete(oldest.value);
    }
  }

  /** Forgets the messages of `outcomes` that are finished (published or dead-lettered: never retried again). */
  forgetFinished(outcomes: readonly Outcome[]): void {
    if (this.#capacity === 0) return;
    for (const outcome of outcomes) if (!outcome.release && (outcome.failure === undefined || outcome.failure.dead)) this.#delays.delete(outcome.claimed.ref.id);
  }
}
