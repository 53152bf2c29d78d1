import { LongTimer, MAX_TIMER_DELAY_MS } from './internal/long-timer.js';

/** An opaque handle for a timer scheduled through a {@link Clock}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/**
 * The source of time for every @iap component. Inject {@link ManualClock} in tests so they never
 * sleep; production code uses {@link systemClock}.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Calls `callback` once after `delayMs`. Timers from {@link systemClock} are unref'd: they never
   * keep a process alive.
   */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or already-fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `Date.now()` and unref'd `setTimeout`. Delays past 2^31 - 1 ms (about 24.8 days),
 * which Node and browsers would fire after about 1 ms, are kept: the timer is chained until the
 * whole delay has passed (`Infinity` never fires; `NaN` and negative delays count as 0).
 *
 * @example
 * ```ts
 * const breaker = createCircuitBreaker({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const ms = delayMs > 0 ? delayMs : 0; // NaN and negatives: now
    if (ms > MAX_TIMER_DELAY_MS) return new LongTimer(callback, ms);
    const timer = setTimeout(callback, ms);
    if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref();
    return timer;
  },
  clearTimeout(handle: TimerHandle): void {
    if (handle instanceof LongTimer) handle.cancel();
    else clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
});
