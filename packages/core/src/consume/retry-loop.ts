import type { Clock } from '../clock.js';
import { ErrorCode } from '../error-codes.js';
import { IapError, readRetryAfterMs } from '../iap-error.js';
import type { RandomSource } from '../random-source.js';
import { baseRetryDelay, computeRetryDelay, type RetryPolicy } from '../retry-policy.js';
import type { BrokerAdapter, ConsumeDelivery, ConsumeHooks } from './broker-adapter.js';
import { CONSUME_DONE, CONSUME_STOP, type ConsumeOutcome } from './consume-outcome.js';
import type { AttemptResult, IdempotentAttempt } from './idempotent-attempt.js';
import type { MaybePromise } from './maybe-async.js';

/** Delivers a message to the handler with in-process retries; synchronous on the happy path with a synchronous handler and store. */
export type HandleWithRetries<D> = (delivery: D) => MaybePromise<ConsumeOutcome>;

/** What {@link createRetryLoop} needs. */
export interface RetryLoopParts<S, D extends S & ConsumeDelivery> {
  readonly adapter: BrokerAdapter<S, D>;
  readonly hooks: ConsumeHooks<D>;
  readonly attempt: IdempotentAttempt<D>;
  readonly retryPolicy: RetryPolicy;
  readonly isRetryable: (error: unknown) => boolean;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Longest single wait for a claim another worker holds. */
  readonly maxClaimWaitMs: number;
}

/**
 * Makes the retry loop: attempts the delivery; a retryable failure (`isRetryable`, core's
 * `isRetryableError` by default) is attempted again after the retry policy's delay, waiting through
 * the adapter, until the policy gives up (`retriesExhausted`); a failure that is not retryable is
 * dead-lettered at once. A claim held by another worker is waited for (at most `maxClaimWaitMs` at
 * a time); a failing idempotency store pauses (`store-unavailable`) with the policy's base delay.
 */
export function createRetryLoop<S, D extends S & ConsumeDelivery>(parts: RetryLoopParts<S, D>): HandleWithRetries<D> {
  const { adapter, hooks, attempt: attemptOnce, retryPolicy, isRetryable, clock, random, maxClaimWaitMs } = parts;

  /**
   * The handler failed on `attempt` (the first began at `firstStarted`): the outcome when the message
   * is dead-lettered or its retries are exhausted, otherwise the delay in ms before the next attempt.
   */
  const afterFailure = (delivery: D, failure: unknown, attempt: number, firstStarted: number, previousDelayMs: number | undefined): MaybePromise<ConsumeOutcome> | number => {
    let retryable: boolean;
    try {
      retryable = isRetryable(failure);
    } catch {
      retryable = false;
    }
    const error = adapter.handlerFailedError(delivery, attempt, failure, retryable);
    if (!retryable) return adapter.deadLetter(delivery, error, failure);
    const decision = computeRetryDelay(retryPolicy, {
      attempt,
      elapsedMs: clock.now() - firstStarted,
      retryAfterMs: readRetryAfterMs(failure),
      random,
      ...(previousDelayMs === undefined ? {} : { previousDelayMs }),
    });
    if (!decision.retry) return adapter.retriesExhausted(delivery, error, failure);
    hooks.retrying?.(delivery, attempt, decision.delayMs, error);
    return decision.delayMs;
  };

  const storeUnavailable = (delivery: D, cause: unknown, attempt: number): ConsumeOutcome => {
    adapter.onError(
      new IapError(ErrorCode.STORE_FAILED, `the idempotency store failed for ${adapter.describe(delivery)}; the message is paused and delivered again`, {
        cause,
        retryable: true,
        details: adapter.details(delivery),
      }),
    );
    return { kind: 'pause', delayMs: baseRetryDelay(retryPolicy, attempt), reason: 'store-unavailable' };
  };

  const retryLoop = async (delivery: D, firstStarted: number, first: MaybePromise<AttemptResult>): Promise<ConsumeOutcome> => {
    let previousDelayMs: number | undefined;
    let attempt = 1;
    let result = await first;
    for (;;) {
      switch (result.kind) {
        case 'handled':
          return CONSUME_DONE;
        case 'store-failed':
          return storeUnavailable(delivery, result.error, attempt);
        case 'in-progress': {
          // another worker holds it (e.g. the previous owner of this partition): wait for it or its lease
          const waitMs = Math.max(1, Math.min(result.expiresAt - clock.now(), maxClaimWaitMs));
          if (!(await adapter.wait(delivery, waitMs))) return CONSUME_STOP;
          break;
        }
        case 'failed': {
          const next = afterFailure(delivery, result.failure, attempt, firstStarted, previousDelayMs);
          if (typeof next !== 'number') return next;
          previousDelayMs = next;
          if (!(await adapter.wait(delivery, next))) return CONSUME_STOP;
          attempt++;
          break;
        }
      }
      if (adapter.isStopping()) return CONSUME_STOP;
      result = await attemptOnce(delivery, attempt);
    }
  };

  return (delivery) => {
    const firstStarted = clock.now();
    const first = attemptOnce(delivery, 1);
    if (!(first instanceof Promise) && first.kind === 'handled') return CONSUME_DONE;
    return retryLoop(delivery, firstStarted, first);
  };
}
