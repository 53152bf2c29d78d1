import { ErrorCode, IapError } from '@iap/core';
import type { MessageContext } from '../consumer-options.js';
import { describeLocation } from '../kafka-errors.js';
import type { RecordHeaders } from '../kafka-record.js';
import { createClaimStore, type ClaimAnswer, type ClaimToken } from './claim-store.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import type { Delivery } from './delivery-context.js';
import { settle, type MaybePromise } from './maybe-async.js';

/** How one handler attempt (claim, handler, complete) ended. */
export type AttemptResult =
  /** Handled now, or earlier (a duplicate). */
  | { readonly kind: 'handled' }
  /** Another worker holds the claim until `expiresAt`. */
  | { readonly kind: 'in-progress'; readonly expiresAt: number }
  | { readonly kind: 'failed'; readonly failure: unknown }
  | { readonly kind: 'store-failed'; readonly error: unknown };

/** Claim, handler, complete: one attempt (`attempt` counts from 1); synchronous when the handler and the store are. */
export type IdempotentAttempt = (delivery: Delivery, attempt: number) => MaybePromise<AttemptResult>;

const HANDLED: AttemptResult = { kind: 'handled' };
const NO_HEADERS: RecordHeaders = Object.freeze({});
const storeFailed = (error: unknown): AttemptResult => ({ kind: 'store-failed', error });

/**
 * Makes the consumer's attempt: claims the event's idempotency key (a duplicate is reported and
 * counts as handled; a key held elsewhere is `in-progress`), runs the handler, then completes the
 * claim on success or releases it on failure. Without an idempotency store (or key) the handler just
 * runs. One code path for synchronous and asynchronous handlers and stores.
 */
export function createIdempotentAttempt(runtime: ConsumerRuntime): IdempotentAttempt {
  const { config, events } = runtime;
  const { clock, telemetry } = config;
  const claims = config.idempotencyStore === undefined ? undefined : createClaimStore(config.idempotencyStore, config);

  const reportHandled = (delivery: Delivery, durationMs: number, attempt: number): AttemptResult => {
    telemetry.counter?.('iap.kafka.consumer.processed', 1, delivery.scope.attributes);
    if (events.has('processed')) events.emit('processed', { ...delivery.location, type: delivery.event.type, durationMs, attempt });
    return HANDLED;
  };

  const duplicate = (delivery: Delivery, key: string): AttemptResult => {
    telemetry.counter?.('iap.kafka.consumer.duplicates', 1, delivery.scope.attributes);
    if (events.has('duplicate')) events.emit('duplicate', { ...delivery.location, idempotencyKey: key });
    return HANDLED;
  };

  const notStored = (delivery: Delivery, error: unknown): void => {
    const { location } = delivery;
    runtime.emitError(
      new IapError(ErrorCode.STORE_FAILED, `the handler succeeded for ${describeLocation(location)} but its idempotency record was not stored; a redelivery may run it again`, { cause: error, details: { ...location } }),
    );
  };

  const succeeded = (delivery: Delivery, token: ClaimToken | undefined, started: number, attempt: number): MaybePromise<AttemptResult> => {
    const durationMs = clock.now() - started;
    telemetry.histogram?.('iap.kafka.consumer.handler.duration_ms', durationMs, delivery.scope.attributes);
    if (token === undefined || claims === undefined) return reportHandled(delivery, durationMs, attempt);
    return settle(
      () => claims.complete(delivery.key!, token),
      () => reportHandled(delivery, durationMs, attempt),
      (error) => {
        notStored(delivery, error);
        return reportHandled(delivery, durationMs, attempt);
      },
    );
  };

  const failed = (delivery: Delivery, token: ClaimToken | undefined, started: number, failure: unknown): MaybePromise<AttemptResult> => {
    telemetry.histogram?.('iap.kafka.consumer.handler.duration_ms', clock.now() - started, delivery.scope.attributes);
    const result: AttemptResult = { kind: 'failed', failure };
    if (token === undefined || claims === undefined) return result;
    // the claim is given back so the next attempt (or worker) may take it; a failed release only delays that until the lease expires
    return settle(
      () => claims.release(delivery.key!, token),
      () => result,
      () => result,
    );
  };

  /** Runs the handler once for a claimed (or undeduplicated) event. */
  const invoke = (delivery: Delivery, token: ClaimToken | undefined, attempt: number): MaybePromise<AttemptResult> => {
    const { scope, message } = delivery;
    const { batch } = scope;
    const context: MessageContext = {
      topic: batch.topic,
      sourceTopic: scope.route.mainTopic,
      partition: batch.partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key,
      headers: message.headers ?? NO_HEADERS,
      attempt,
      deliveryAttempt: delivery.deliveryAttempt,
      signal: runtime.closeSignal,
    };
    const started = clock.now();
    return settle(
      () => config.handler(delivery.event, context),
      () => succeeded(delivery, token, started, attempt),
      (failure) => failed(delivery, token, started, failure),
    );
  };

  const afterClaim = (delivery: Delivery, key: string, answer: ClaimAnswer, attempt: number): MaybePromise<AttemptResult> => {
    if (typeof answer === 'number') return invoke(delivery, answer, attempt);
    if ('status' in answer) {
      if (answer.status === 'claimed') return invoke(delivery, answer.token, attempt);
      if (answer.status === 'in_progress') return { kind: 'in-progress', expiresAt: answer.expiresAt };
      return duplicate(delivery, key);
    }
    if (answer.state === 'in_progress') return { kind: 'in-progress', expiresAt: answer.expiresAt };
    return duplicate(delivery, key);
  };

  return (delivery, attempt) => {
    const { key } = delivery;
    if (key === undefined || claims === undefined) return invoke(delivery, undefined, attempt);
    return settle(
      () => claims.claim(key),
      (answer) => afterClaim(delivery, key, answer, attempt),
      storeFailed,
    );
  };
}
