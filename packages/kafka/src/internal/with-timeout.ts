import type { Clock, IapError, TimerHandle } from '@iap/core';

/** Options for {@link withTimeout}. */
export interface WithTimeoutOptions {
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** The error to reject with when time runs out. */
  readonly timeoutError: () => IapError;
  /** Rejects early when this signal aborts. */
  readonly signal?: AbortSignal | undefined;
  readonly abortError?: () => IapError;
}

/**
 * Races `promise` against a timer (and an abort signal). The timer and the abort listener are always
 * removed; a late rejection of `promise` is observed so it never surfaces as unhandled.
 */
export async function withTimeout<T>(promise: Promise<T>, options: WithTimeoutOptions): Promise<T> {
  let timer: TimerHandle | undefined;
  let onAbort: (() => void) | undefined;
  const { signal } = options;
  promise.catch(() => undefined);
  try {
    const guard = new Promise<never>((_, reject) => {
      timer = options.clock.setTimeout(() => reject(options.timeoutError()), options.timeoutMs);
      if (signal !== undefined && options.abortError !== undefined) {
        const abortError = options.abortError;
        onAbort = () => reject(abortError());
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    return await Promise.race([promise, guard]);
  } finally {
    if (timer !== undefined) options.clock.clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
