/**
 * How long a relay slot waits before its next claim: not at all while it finds work; after failed
 * rounds, `minPollIntervalMs` doubled per consecutive failure (capped); while idle (slot 0 only, the
 * backup poll), `minPollIntervalMs` doubled per empty round up to `maxPollIntervalMs`, back to the
 * start after a wake-up.
 */

/** The poll intervals of a relay. */
export interface PollIntervals {
  readonly minPollIntervalMs: number;
  readonly maxPollIntervalMs: number;
}

/** The backoff state of one slot. */
export class PollBackoff {
  readonly #intervals: PollIntervals;
  #idleDelayMs = 0;
  #errors = 0;

  constructor(intervals: PollIntervals) {
    this.#intervals = intervals;
  }

  /** Whether the last round failed. */
  get failing(): boolean {
    return this.#errors > 0;
  }

  /** A round ran without failing. */
  succeeded(): void {
    this.#errors = 0;
  }

  /** A round failed. */
  failed(): void {
    this.#errors++;
  }

  /** A round claimed work, or a wake-up came: the idle backoff starts over. */
  reset(): void {
    this.#idleDelayMs = 0;
  }

  /** The wait after consecutive failed rounds. */
  errorDelayMs(): number {
    const { minPollIntervalMs, maxPollIntervalMs } = this.#intervals;
    return Math.min(maxPollIntervalMs, minPollIntervalMs * 2 ** Math.min(this.#errors, 20));
  }

  /** The wait after an empty round (the backup poll), longer after each. */
  nextIdleDelayMs(): number {
    const { minPollIntervalMs, maxPollIntervalMs } = this.#intervals;
    this.#idleDelayMs = this.#idleDelayMs === 0 ? minPollIntervalMs : Math.min(maxPollIntervalMs, this.#idleDelayMs * 2);
    return this.#idleDelayMs;
  }
}
