import type { ClaimResult, IdempotencyStore } from '@iap/core';
import type { ResolvedConsumerOptions } from '../consumer-options.js';
import { syncView, type StoreEntry } from '../internal/bounded-memory-store.js';
import type { MaybePromise } from './maybe-async.js';

/** A claim held on the idempotency store: a number from the built-in store, a token string from any other. */
export type ClaimToken = number | string;

/**
 * What a claim answers: the built-in store's claim number or live entry (synchronously), or any
 * other store's {@link ClaimResult} (in a promise).
 */
export type ClaimAnswer = number | StoreEntry | ClaimResult;

/**
 * The idempotency store as one attempt uses it, whichever store it is: the built-in in-memory store
 * answers synchronously (no promise and no result object per record on the hot path), any other
 * store with promises. Tokens passed back are those its `claim` gave.
 */
export interface ClaimStore {
  claim(key: string): MaybePromise<ClaimAnswer>;
  complete(key: string, token: ClaimToken): MaybePromise<void>;
  release(key: string, token: ClaimToken): MaybePromise<void>;
}

/** The claim store over the consumer's idempotency store. */
export function createClaimStore(store: IdempotencyStore, config: Pick<ResolvedConsumerOptions, 'idempotencyLeaseMs' | 'idempotencyTtlMs'>): ClaimStore {
  const { idempotencyLeaseMs, idempotencyTtlMs } = config;
  const sync = syncView(store);
  if (sync !== undefined) {
    return {
      claim: (key) => sync.tryClaim(key, idempotencyLeaseMs),
      complete: (key, token) => sync.complete(key, Number(token), idempotencyTtlMs),
      release: (key, token) => sync.release(key, Number(token)),
    };
  }
  const claimOptions = { leaseMs: idempotencyLeaseMs };
  const completeOptions = { ttlMs: idempotencyTtlMs };
  return {
    claim: (key) => store.claim(key, claimOptions),
    complete: (key, token) => store.complete(key, String(token), completeOptions),
    release: (key, token) => store.release(key, String(token)),
  };
}
