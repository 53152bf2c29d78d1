import type { Clock, TimerHandle } from './clock.js';

interface ManualTimer {
  readonly id: number;
  readonly dueAt: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to. Timers fire in due order (ties in scheduling order) as
 * time is advanced. For deterministic tests: no real time passes, nothing sleeps.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0);
 * clock.setTimeout(() => console.log('fired'), 100);
 * clock.advance(100); // prints "fired"
 * await clock.advanceAsync(50); // also lets promise callbacks run between timers
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: ManualTimer[] = [];

  /** @param startMs - initial time in ms since the epoch. @defaultValue `0` */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: ManualTimer = { id: this.#nextId++, dueAt: this.#now + Math.max(0, delayMs), callback };
    // keep sorted by dueAt, then id (insertion keeps id order for equal dueAt)
    let index = this.#timers.length;
    while (index > 0 && this.#timers[index - 1]!.dueAt > timer.dueAt) index--;
    this.#timers.splice(index, 0, timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: number } | undefined)?.id;
    const index = this.#timers.findIndex((t) => t.id === id);
    if (index >= 0) this.#timers.splice(index, 1);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers synchronously in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined || next.dueAt > target) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.dueAt);
      next.callback();
    }
    this.#now = target;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order and letting pending promise callbacks run
   * before and after each timer, so async code scheduled by a timer makes progress.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined || next.dueAt > target) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.dueAt);
      next.callback();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Sets the time (forward only), firing due timers synchronously. */
  setTime(ms: number): void {
    if (ms > this.#now) this.advance(ms - this.#now);
  }
}

/** Lets every pending promise callback run (one macrotask turn). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
