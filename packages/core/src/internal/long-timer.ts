/** The longest delay Node and browsers schedule as asked; a longer one fires after about 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

type NodeishTimer = ReturnType<typeof setTimeout>;

function unrefTimer(timer: NodeishTimer): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref();
}

/**
 * A timer for delays past {@link MAX_TIMER_DELAY_MS}: it chains platform timers of at most that
 * length until the whole delay has passed, so a long delay never fires early. Like a Node timer it
 * has `ref()`/`unref()` (applied to every timer of the chain) and starts unref'd.
 */
export class LongTimer {
  #timer: NodeishTimer;
  #ref = false;
  #cancelled = false;
  readonly #callback: () => void;

  constructor(callback: () => void, delayMs: number) {
    this.#callback = callback;
    this.#timer = this.#schedule(delayMs);
  }

  #schedule(remainingMs: number): NodeishTimer {
    const step = Math.min(remainingMs, MAX_TIMER_DELAY_MS);
    const timer = setTimeout(() => {
      if (this.#cancelled) return;
      const rest = remainingMs - step;
      if (rest > 0) this.#timer = this.#schedule(rest);
      else this.#callback();
    }, step);
    if (!this.#ref) unrefTimer(timer);
    return timer;
  }

  /** Keeps the process alive until the timer fires (the chain's later timers too). */
  ref(): this {
    this.#ref = true;
    const timer = this.#timer as { ref?: () => unknown };
    if (typeof timer.ref === 'function') timer.ref();
    return this;
  }

  /** Lets the process exit while the timer is pending. */
  unref(): this {
    this.#ref = false;
    unrefTimer(this.#timer);
    return this;
  }

  /** Cancels the timer; it never fires. */
  cancel(): void {
    this.#cancelled = true;
    clearTimeout(this.#timer);
  }
}
