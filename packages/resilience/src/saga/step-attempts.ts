import { computeRetryDelay, ErrorCode, IapError, readRetryAfterMs, sleep, type Clock, type RandomSource, type RetryPolicy } from '@iap/core';
import { asError } from './saga-errors.js';
import { StopSource } from './stop-source.js';

/** @internal Input of {@link runAttempts}. */
export interface AttemptPlan<T> {
  /** One attempt; `source.signal` (made on first read) aborts when the attempt times out or the run stops. */
  readonly run: (attempt: number, source: StopSource) => Promise<T> | T;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number | undefined;
  readonly shouldRetry: (error: unknown) => boolean;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Stopping it stops the attempts at once: {@link runAttempts} rejects with its reason. */
  readonly stop: StopSource;
  /** No attempt starts at or after this time (ms since the epoch). */
  readonly deadlineAt: number | undefined;
  /** Makes the error of a passed deadline (the last attempt's error, if any, as cause). */
  readonly deadlineError: (lastError: unknown) => IapError;
  /** Names the attempt in a timeout message, e.g. `saga "order" step "charge"`. */
  readonly what: string;
  readonly onAttempt: (attempt: number) => void;
  readonly onRetry: (attempt: number, delayMs: number, error: unknown) => void;
}

/** @internal Outcome of {@link runAttempts}: the value, or the error that ended the attempts. */
export type AttemptOutcome<T> = { readonly ok: true; readonly value: T; readonly attempts: number } | { readonly ok: false; readonly error: unknown; readonly attempts: number };

/**
 * @internal Runs attempts with retries (core's retry maths and `sleep`), a per-attempt timeout and
 * a deadline. Resolves with the outcome; rejects only with the stop signal's reason.
 */
export async function runAttempts<T>(plan: AttemptPlan<T>): Promise<AttemptOutcome<T>> {
  const { clock, stop } = plan;
  const startedAt = clock.now();
  let previousDelayMs: number | undefined;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    throwIfStopped(stop);
    if (plan.deadlineAt !== undefined && clock.now() >= plan.deadlineAt) {
      return { ok: false, error: plan.deadlineError(lastError), attempts: attempt - 1 };
    }
    plan.onAttempt(attempt);
    const settled = await runOneAttempt(plan, attempt);
    if (settled.ok) return { ok: true, value: settled.value, attempts: attempt };
    const error = settled.error;
    lastError = error;
    if (!safeShouldRetry(plan.shouldRetry, error)) return { ok: false, error, attempts: attempt };
    const decision = computeRetryDelay(plan.policy, {
      attempt,
      elapsedMs: clock.now() - startedAt,
      retryAfterMs: readRetryAfterMs(error),
      random: plan.random,
      ...(previousDelayMs === undefined ? {} : { previousDelayMs }),
    });
    if (!decision.retry) return { ok: false, error, attempts: attempt };
    if (plan.deadlineAt !== undefined && clock.now() + decision.delayMs >= plan.deadlineAt) {
      return { ok: false, error: plan.deadlineError(error), attempts: attempt };
    }
    plan.onRetry(attempt, decision.delayMs, error);
    try {
      await sleep(decision.delayMs, { clock, signal: stop.signal });
    } catch {
      throwIfStopped(stop);
    }
    previousDelayMs = decision.delayMs;
  }
}

function safeShouldRetry(shouldRetry: (error: unknown) => boolean, error: unknown): boolean {
  try {
    return shouldRetry(error) === true;
  } catch {
    return false;
  }
}

function throwIfStopped(stop: StopSource): void {
  if (stop.stopped) throw asError(stop.reason);
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * One attempt: the action raced against the timeout and the stop signal; every timer and listener
 * is removed. Resolves with the action's value or error (as thrown); rejects only with the stop reason.
 */
function runOneAttempt<T>(plan: AttemptPlan<T>, attempt: number): Promise<Settled<T>> {
  const { clock, stop, timeoutMs } = plan;
  // without a timeout the attempt's signal is the run's own; with one, a source of its own
  const source = timeoutMs === undefined ? stop : new StopSource();
  return new Promise<Settled<T>>((resolve, reject) => {
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    let unsubscribe = (): void => undefined;
    const cleanup = (): void => {
      if (timer !== undefined) clock.clearTimeout(timer);
      unsubscribe();
    };
    unsubscribe = stop.onStop(() => {
      cleanup();
      source.stop(stop.reason);
      reject(asError(stop.reason));
    });
    if (stop.stopped) return;
    if (timeoutMs !== undefined) {
      timer = clock.setTimeout(() => {
        const error = new IapError(ErrorCode.TIMEOUT, `${plan.what} attempt ${attempt} timed out after ${timeoutMs} ms`, {
          retryable: true,
          details: { attempt, timeoutMs },
        });
        cleanup();
        source.stop(error);
        resolve({ ok: false, error });
      }, timeoutMs);
    }
    new Promise<T>((inner) => inner(plan.run(attempt, source))).then(
      (value) => {
        cleanup();
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        cleanup();
        resolve({ ok: false, error });
      },
    );
  });
}
