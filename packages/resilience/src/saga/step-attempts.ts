import { isRetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { createRetry } from '../retry/retry.js';
import { createTimeout, type Timeout } from '../timeout.js';
import type { Clock, IapError, RandomSource, RetryPolicy } from '@iap/core';
import { asError } from './saga-errors.js';
import type { StopSource } from './stop-source.js';

/** @internal Input of {@link runAttempts}. */
export interface AttemptPlan<T> {
  /** One attempt; `signal()` is the attempt's signal: it aborts when the attempt times out or the run stops. */
  readonly run: (attempt: number, signal: () => AbortSignal) => Promise<T> | T;
  readonly policy: RetryPolicy;
  /** The step's timeout policy (created once per step by the runner), or none. */
  readonly timeout: Timeout | undefined;
  readonly shouldRetry: (error: unknown) => boolean;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Stopping it stops the attempts at once: {@link runAttempts} rejects with its reason. */
  readonly stop: StopSource;
  /** No attempt starts at or after this time (ms since the epoch). */
  readonly deadlineAt: number | undefined;
  /** Makes the error of a passed deadline (the last attempt's error, if any, as cause). */
  readonly deadlineError: (lastError: unknown) => IapError;
  readonly onAttempt: (attempt: number) => void;
  readonly onRetry: (attempt: number, delayMs: number, error: unknown) => void;
}

/** @internal Outcome of {@link runAttempts}: the value, or the error that ended the attempts. */
export type AttemptOutcome<T> = { readonly ok: true; readonly value: T; readonly attempts: number } | { readonly ok: false; readonly error: unknown; readonly attempts: number };

/** @internal The timeout policy of a step attempt: `aggressive`, so a timed-out attempt fails at once. */
export function stepTimeout(timeoutMs: number | undefined, clock: Clock): Timeout | undefined {
  return timeoutMs === undefined ? undefined : createTimeout({ timeoutMs, strategy: 'aggressive', clock });
}

/** Rejects an attempt that would start at or after the deadline; never retried, never seen outside. */
const PAST_DEADLINE = new Error('internal: the attempt would start after the saga deadline');

/**
 * @internal Runs the attempts of a step action or compensation under the package's own policies:
 * `createRetry` (core's retry maths, Retry-After hints, `shouldRetry`, the sleep between attempts)
 * and the step's timeout policy; adds the saga's deadline (no attempt starts at or after
 * `deadlineAt`, and a retry that would start there is not waited for) and stopping (the run's stop
 * source cuts an attempt and the wait short). Resolves with the outcome (the last attempt's own
 * error, not the policy's `RetryExhaustedError`); rejects only with the stop source's reason.
 */
export async function runAttempts<T>(plan: AttemptPlan<T>): Promise<AttemptOutcome<T>> {
  const { clock, stop, deadlineAt, timeout } = plan;
  // the retry policy's signal: the stop source's, or one that also aborts to refuse a retry past the deadline
  const gate = deadlineAt === undefined ? undefined : new AbortController();
  const unlink = gate === undefined ? undefined : stop.onStop(() => gate.abort(stop.reason));
  const signal = gate?.signal ?? stop.signal;
  let attempts = 0;
  let lastError: unknown;
  let refused = false;
  const retry = createRetry({
    ...plan.policy,
    clock,
    random: plan.random,
    shouldRetry: (error) => error !== PAST_DEADLINE && plan.shouldRetry(error),
  });
  retry.on('retry', ({ attempt, delayMs, error }) => {
    if (deadlineAt !== undefined && clock.now() + delayMs >= deadlineAt) {
      refused = true;
      gate?.abort();
      return;
    }
    plan.onRetry(attempt, delayMs, error);
  });
  const attempt = (): Promise<T> => {
    const n = ++attempts;
    if (deadlineAt !== undefined && clock.now() >= deadlineAt) {
      attempts--;
      return Promise.reject(PAST_DEADLINE);
    }
    plan.onAttempt(n);
    return untilStopped(stop, () => (timeout === undefined ? plan.run(n, () => stop.signal) : timeout.execute(({ signal: s }) => plan.run(n, () => s ?? stop.signal), { signal: stop.signal, data: undefined }))).then(
      undefined,
      (error: unknown) => {
        lastError = error;
        throw error;
      },
    );
  };
  try {
    const value = await retry.execute(attempt, { signal, data: undefined });
    return { ok: true, value, attempts };
  } catch (error) {
    if (stop.stopped) throw asError(stop.reason);
    if (refused || error === PAST_DEADLINE) return { ok: false, error: plan.deadlineError(lastError), attempts };
    // the policy gave up (max attempts, max elapsed, Retry-After past the caps): the step failed with the last attempt's error
    const own = error !== lastError && isRetryExhaustedError(error);
    return { ok: false, error: own ? lastError : error, attempts };
  } finally {
    unlink?.();
  }
}

/**
 * The attempt's promise, settled at once with the stop reason when `stop` stops first (an attempt
 * that ignores its signal is not waited for); the callback is removed when the attempt settles.
 */
function untilStopped<T>(stop: StopSource, work: () => Promise<T> | T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = stop.onStop(() => reject(asError(stop.reason)));
    if (stop.stopped) return;
    new Promise<T>((inner) => inner(work())).finally(unsubscribe).then(resolve, reject);
  });
}
