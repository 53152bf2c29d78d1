import { ErrorCode, IapError, baseRetryDelay, computeRetryDelay, readRetryAfterMs, toIapError } from '@iap/core';
import { HandlerFailedError, describeLocation } from '../kafka-errors.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import { DONE, STOP, type Delivery, type Outcome } from './delivery-context.js';
import type { Forwarder } from './forwarder.js';
import { waitHeartbeating } from './heartbeating-wait.js';
import type { AttemptResult, IdempotentAttempt } from './idempotent-attempt.js';
import type { MaybePromise } from './maybe-async.js';
import type { RetriesExhausted } from './retries-exhausted.js';

/** Delivers a record to the handler with in-process retries; synchronous on the happy path with a synchronous handler and store. */
export type HandleWithRetries = (delivery: Delivery) => MaybePromise<Outcome>;

/** What the retry loop hands records on to. */
export interface RetryLoopParts {
  readonly attempt: IdempotentAttempt;
  readonly forwarder: Forwarder;
  readonly retriesExhausted: RetriesExhausted;
}

/**
 * Makes the retry loop: attempts the record; a retryable failure is attempted again after the retry
 * policy's delay while the consumer keeps heartbeating, until the policy gives up
 * (`onRetriesExhausted`); a failure that is not retryable is dead-lettered at once. A claim held by
 * another worker is waited for (at most a heartbeat interval at a time); a failing idempotency store
 * pauses the partition.
 */
export function createRetryLoop(runtime: ConsumerRuntime, parts: RetryLoopParts): HandleWithRetries {
  const { config } = runtime;
  const { clock, telemetry } = config;
  const { attempt: attemptOnce, forwarder, retriesExhausted } = parts;

  /**
   * The handler failed on `attempt` (the first began at `firstStarted`): the outcome when the record
   * is dead-lettered or its retries are exhausted, otherwise the delay in ms before the next attempt.
   */
  const afterFailure = (delivery: Delivery, failure: unknown, attempt: number, firstStarted: number, previousDelayMs: number | undefined): MaybePromise<Outcome> | number => {
    const { location } = delivery;
    let retryable: boolean;
    try {
      retryable = config.isRetryable(failure);
    } catch {
      retryable = false;
    }
    const error = new HandlerFailedError(location, attempt, delivery.event.type, failure, retryable, toIapError(failure).message);
    if (!retryable) return forwarder.deadLetter(delivery, error, failure);
    const decision = computeRetryDelay(config.retryPolicy, {
      attempt,
      elapsedMs: clock.now() - firstStarted,
      retryAfterMs: readRetryAfterMs(failure),
      random: config.random,
      ...(previousDelayMs === undefined ? {} : { previousDelayMs }),
    });
    if (!decision.retry) return retriesExhausted(delivery, error, failure);
    telemetry.counter?.('iap.kafka.consumer.retried', 1, delivery.scope.attributes);
    runtime.events.emit('retrying', { ...location, attempt, delayMs: decision.delayMs, error });
    return decision.delayMs;
  };

  const retryLoop = async (delivery: Delivery, firstStarted: number, first: MaybePromise<AttemptResult>): Promise<Outcome> => {
    const { batch } = delivery.scope;
    let previousDelayMs: number | undefined;
    let attempt = 1;
    let result = await first;
    for (;;) {
      switch (result.kind) {
        case 'handled':
          return DONE;
        case 'store-failed': {
          const { location } = delivery;
          runtime.emitError(
            new IapError(ErrorCode.STORE_FAILED, `the idempotency store failed for ${describeLocation(location)}; the partition pauses and the record is fetched again`, { cause: result.error, retryable: true, details: { ...location } }),
          );
          return { kind: 'pause', delayMs: baseRetryDelay(config.retryPolicy, attempt), reason: 'store-unavailable' };
        }
        case 'in-progress': {
          // another worker holds it (e.g. the previous owner of this partition): wait for it or its lease
          const waitMs = Math.max(1, Math.min(result.expiresAt - clock.now(), config.heartbeatIntervalMs));
          if (!(await waitHeartbeating(runtime, batch, waitMs))) return STOP;
          break;
        }
        case 'failed': {
          const next = afterFailure(delivery, result.failure, attempt, firstStarted, previousDelayMs);
          if (typeof next !== 'number') return next;
          previousDelayMs = next;
          if (!(await waitHeartbeating(runtime, batch, next))) return STOP;
          attempt++;
          break;
        }
      }
      if (runtime.isClosing()) return STOP;
      result = await attemptOnce(delivery, attempt);
    }
  };

  return (delivery) => {
    const firstStarted = clock.now();
    const first = attemptOnce(delivery, 1);
    if (!(first instanceof Promise) && first.kind === 'handled') return DONE;
    return retryLoop(delivery, firstStarted, first);
  };
}
