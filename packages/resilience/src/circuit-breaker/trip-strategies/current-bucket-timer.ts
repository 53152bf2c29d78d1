import type { Clock, TimerHandle } from '@iap/core';

/**
 * How many successes in a row may skip the clock read. A busy loop that starves timers misplaces
 * at most this many successes by one bucket.
 */
export const CLOCK_READ_EVERY = 64;

/**
 * The clock-skipping fast path of a time window: knows, without reading the clock, that the
 * window's newest bucket is still the current one. A clock read that records into the newest
 * bucket marks it current; one timer per bucket (not per call) marks its end; and after
 * {@link CLOCK_READ_EVERY} skipped reads the clock is read again anyway.
 */
export class CurrentBucketTimer {
  readonly #clock: Clock;
  /** The newest bucket is current: entered through a clock read and its end timer not fired. */
  #current = false;
  #skippedReads = 0;
  #timer: TimerHandle | undefined;
  #disposed = false;
  readonly #onBucketEnd = (): void => {
    this.#timer = undefined;
    this.#current = false;
  };

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** True when a record may go to the newest bucket without a clock read (and counts that skip). */
  skipClockRead(): boolean {
    if (this.#current && this.#skippedReads < CLOCK_READ_EVERY) {
      this.#skippedReads++;
      return true;
    }
    return false;
  }

  /** After a clock read put `nowMs` in the newest bucket, ending at `bucketEndMs`: trust it until then. */
  entered(nowMs: number, bucketEndMs: number): void {
    this.#skippedReads = 0;
    this.#current = true;
    if (this.#timer === undefined && !this.#disposed) {
      this.#timer = this.#clock.setTimeout(this.#onBucketEnd, Math.max(1, bucketEndMs - nowMs));
    }
  }

  /** The window was emptied: the next record reads the clock. */
  forget(): void {
    this.#current = false;
  }

  /** Clears the timer; no new one is started. */
  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#current = false;
  }
}
