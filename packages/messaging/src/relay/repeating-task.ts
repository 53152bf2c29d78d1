/**
 * A relay's periodic work (outbox statistics, purging published rows): runs a task every
 * `intervalMs` after the previous run settled, while the relay runs.
 */
import type { Clock, TimerHandle } from '@iap/core';

/** What a repeating task runs and when. */
export interface RepeatingTaskOptions {
  readonly clock: Clock;
  readonly intervalMs: number;
  /** Whether the relay runs: a timer that fires after it stopped does nothing and is not renewed. */
  readonly active: () => boolean;
  /** One run; `undefined` when there was nothing to do (the next run is then scheduled at once). */
  readonly run: () => Promise<void> | undefined;
  /** Called with the error of a run that failed. */
  readonly onError: (error: unknown) => void;
}

/** Runs a task periodically until stopped. */
export class RepeatingTask {
  readonly #options: RepeatingTaskOptions;
  #timer: TimerHandle | undefined;

  constructor(options: RepeatingTaskOptions) {
    this.#options = options;
  }

  /** Schedules the next run. */
  readonly schedule = (): void => {
    const { clock, intervalMs, active, run, onError } = this.#options;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      if (!active()) return;
      const running = run();
      if (running === undefined) this.schedule();
      else running.catch(onError).finally(this.schedule);
    }, intervalMs);
  };

  /** Clears the pending run. */
  stop(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
  }
}
