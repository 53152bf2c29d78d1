import { abortedError, type Clock, type TimerHandle } from '@iap/core';
import { rejection } from './rejection.js';

/**
 * Core's `sleep`, except that the timer keeps a Node process alive while a caller awaits it.
 *
 * Core's clock unrefs every timer so background work never holds a process open. A retry's wait
 * between attempts is not background work: a caller awaits it, and with an unref'd timer a script
 * whose only pending work is that wait would exit in the middle of the retry. So the timer is ref'd
 * again when the clock's handle supports it (Node timers); manual clocks are unaffected.
 * Aborting rejects at once with `ABORTED` and clears the timer.
 */
export function awaitedSleep(ms: number, clock: Clock, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return rejection(abortedError(signal, 'wait between attempts'));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(abortedError(signal, 'wait between attempts'));
    };
    const timer: TimerHandle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const ref = (timer as { ref?: unknown }).ref;
    if (typeof ref === 'function') ref.call(timer);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
