import { createClaimStore as createStoreClaims, type ClaimStore, type IdempotencyStore } from '@iap/core';
import type { ResolvedConsumerOptions } from '../consumer-options.js';
import { syncView } from '../internal/bounded-memory-store.js';

export type { ClaimAnswer, ClaimStore, ClaimToken } from '@iap/core';

/**
 * The pipeline's claim store over the consumer's idempotency store: the built-in in-memory store
 * answers synchronously (no promise and no result object per record on the hot path), any other
 * store through core's `createClaimStore`, with promises.
 */
export function createClaimStore(store: IdempotencyStore, config: Pick<ResolvedConsumerOptions, 'idempotencyLeaseMs' | 'idempotencyTtlMs'>): ClaimStore {
  const { idempotencyLeaseMs, idempotencyTtlMs } = config;
  const sync = syncView(store);
  if (sync === undefined) return createStoreClaims(store, { leaseMs: idempotencyLeaseMs, ttlMs: idempotencyTtlMs });
  return {
    claim: (key) => sync.tryClaim(key, idempotencyLeaseMs),
    complete: (key, token) => sync.complete(key, Number(token), idempotencyTtlMs),
    release: (key, token) => sync.release(key, Number(token)),
  };
}
