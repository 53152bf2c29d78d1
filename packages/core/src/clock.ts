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
 * The real clock: `Date.now()` and unref'd `setTimeout`.
 *
 * @example
 * ```ts
 * const breaker = createCircuitBreaker({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref();
    return timer;
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
});
