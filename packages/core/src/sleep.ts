import { systemClock, type Clock } from './clock.js';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';

/** Options for {@link sleep}. */
export interface SleepOptions {
  /** Clock that schedules the wake-up. @defaultValue `systemClock` */
  clock?: Clock;
  /** Aborting rejects the sleep at once with an `ABORTED` IapError and clears the timer. */
  signal?: AbortSignal | undefined;
}

/**
 * Resolves after `ms` on the given clock; rejects with `ABORTED` as soon as `signal` aborts. The timer
 * and the abort listener are always cleaned up.
 *
 * An awaited sleep is an explicit wait, so on a clock backed by Node timers (such as `systemClock`)
 * it keeps the process alive until it ends (unlike the unref'd background timers of @iap components): a script whose only pending work
 * is `await sleep(200)` resumes instead of exiting.
 *
 * Long delays are kept: on `systemClock` a delay past 2^31 - 1 ms (Node's timer limit, about 24.8
 * days) chains timers until the whole delay has passed instead of firing after about 1 ms, so a long
 * Retry-After never turns into a tight loop. `Infinity` sleeps until aborted.
 *
 * @throws IapError code `ABORTED` when the signal aborts.
 * @example
 * ```ts
 * await sleep(250, { signal: AbortSignal.timeout(1000) });
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(abortedError(signal));
    };
    const wake = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = clock.setTimeout(wake, ms);
    // An awaited wait is not background work: ref the timer again when the clock's handle is a Node
    // timer (systemClock unrefs every timer it creates); manual clocks have no `ref` and are unaffected.
    const ref = (timer as { ref?: unknown }).ref;
    if (typeof ref === 'function') ref.call(timer);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error used for aborted operations: code `ABORTED`, the signal's reason as `cause`. */
export function abortedError(signal: AbortSignal | undefined, what = 'operation'): IapError {
  return new IapError(ErrorCode.ABORTED, `${what} aborted`, { cause: signal?.reason });
}
