/**
 * Wake-ups of a relay's idle slots: an enqueue in this process, a NOTIFY, claimed-ahead batches, a
 * stop. Each wake-up raises a generation, so a slot that saw work arrive while it was busy does not
 * go to sleep on it.
 */
import type { Clock, TimerHandle } from '@iap/core';

/** Wakes the waiting slots of one relay. */
export class WakeSignal {
  readonly #clock: Clock;
  readonly #active: () => boolean;
  readonly #waiters = new Set<() => void>();
  #generation = 0;

  /** @param active whether the relay runs; a slot of a relay that does not never waits. */
  constructor(clock: Clock, active: () => boolean) {
    this.#clock = clock;
    this.#active = active;
  }

  /** Raised by every wake-up. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether any slot waits. */
  get hasWaiters(): boolean {
    return this.#waiters.size > 0;
  }

  /** Wakes every waiting slot. */
  readonly wake = (): void => {
    this.#generation++;
    for (const waiter of [...this.#waiters]) waiter();
  };

  /** Resolves on a wake-up after `seenGeneration`, or after `delayMs` (never, when undefined). */
  wait(delayMs: number | undefined, seenGeneration: number): Promise<void> {
    if (this.#generation !== seenGeneration || !this.#active()) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (): void => {
        this.#waiters.delete(done);
        if (timer !== undefined) this.#clock.clearTimeout(timer);
        resolve();
      };
      this.#waiters.add(done);
      if (delayMs !== undefined) timer = this.#clock.setTimeout(done, delayMs);
    });
  }
}
