import type { Clock } from '../clock.js';
import { ErrorCode } from '../error-codes.js';
import { IapError } from '../iap-error.js';
import type { BrokerAdapter, ConsumeDelivery, ConsumeHooks } from './broker-adapter.js';
import type { ClaimAnswer, ClaimStore, ClaimToken } from './claim-store.js';
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
export type IdempotentAttempt<D> = (delivery: D, attempt: number) => MaybePromise<AttemptResult>;

/** What {@link createIdempotentAttempt} needs. */
export interface IdempotentAttemptParts<S, D extends S & ConsumeDelivery> {
  readonly adapter: BrokerAdapter<S, D>;
  readonly hooks: ConsumeHooks<D>;
  readonly claims: ClaimStore | undefined;
  readonly clock: Clock;
}

const HANDLED: AttemptResult = Object.freeze({ kind: 'handled' });
const storeFailed = (error: unknown): AttemptResult => ({ kind: 'store-failed', error });

/**
 * Makes the pipeline's attempt: claims the event's idempotency key (a duplicate is reported and
 * counts as handled; a key held elsewhere is `in-progress`), runs the handler, then completes the
 * claim on success or releases it on failure. Without a claim store (or key) the handler just runs.
 * One code path for synchronous and asynchronous handlers and stores.
 */
export function createIdempotentAttempt<S, D extends S & ConsumeDelivery>(parts: IdempotentAttemptParts<S, D>): IdempotentAttempt<D> {
  const { adapter, hooks, claims, clock } = parts;
  const { handled, duplicate: onDuplicate, handlerDuration } = hooks;

  const reportHandled = (delivery: D, durationMs: number, attempt: number): AttemptResult => {
    handled?.(delivery, durationMs, attempt);
    return HANDLED;
  };

  const duplicate = (delivery: D, key: string): AttemptResult => {
    onDuplicate?.(delivery, key);
    return HANDLED;
  };

  const notStored = (delivery: D, error: unknown): void => {
    adapter.onError(
      new IapError(ErrorCode.STORE_FAILED, `the handler succeeded for ${adapter.describe(delivery)} but its idempotency record was not stored; a redelivery may run it again`, {
        cause: error,
        details: adapter.details(delivery),
      }),
    );
  };

  const succeeded = (delivery: D, token: ClaimToken | undefined, started: number, attempt: number): MaybePromise<AttemptResult> => {
    const durationMs = clock.now() - started;
    handlerDuration?.(delivery, durationMs);
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

  const failed = (delivery: D, token: ClaimToken | undefined, started: number, failure: unknown): MaybePromise<AttemptResult> => {
    handlerDuration?.(delivery, clock.now() - started);
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
  const invoke = (delivery: D, token: ClaimToken | undefined, attempt: number): MaybePromise<AttemptResult> => {
    const started = clock.now();
    return settle(
      () => adapter.invoke(delivery, attempt),
      () => succeeded(delivery, token, started, attempt),
      (failure) => failed(delivery, token, started, failure),
    );
  };

  const afterClaim = (delivery: D, key: string, answer: ClaimAnswer, attempt: number): MaybePromise<AttemptResult> => {
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
