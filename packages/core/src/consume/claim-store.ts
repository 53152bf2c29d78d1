import type { ClaimResult, IdempotencyRecord, IdempotencyStore } from '../idempotency-store.js';
import type { MaybePromise } from './maybe-async.js';

/**
 * A claim held on an idempotency store: a number from a store that answers synchronously, the
 * token string of {@link IdempotencyStore.claim} from any other.
 *
 * @example
 * ```ts
 * const token: ClaimToken = 'claim-7';
 * ```
 */
export type ClaimToken = number | string;

/**
 * What a synchronous store answers when the key is held or done: its live entry.
 *
 * @example
 * ```ts
 * const held: HeldClaim = { state: 'in_progress', expiresAt: Date.now() + 60_000 };
 * ```
 */
export interface HeldClaim {
  readonly state: IdempotencyRecord['state'];
  /** When the claim (or the completed record) expires, ms since the epoch. */
  readonly expiresAt: number;
}

/**
 * What a claim answers: a claim number (claimed, synchronously), a {@link HeldClaim} (held or done,
 * synchronously), or an {@link IdempotencyStore}'s {@link ClaimResult}.
 *
 * @example
 * ```ts
 * const answer: ClaimAnswer = { status: 'claimed', token: 't1' };
 * ```
 */
export type ClaimAnswer = number | HeldClaim | ClaimResult;

/**
 * The idempotency store as the consume pipeline uses it: claim a key before the handler, complete
 * it after success, release it after a failure. A store that can answer synchronously (an in-memory
 * one) returns plain values, so the hot path makes no promise and no result object per message;
 * {@link createClaimStore} adapts any {@link IdempotencyStore}. Tokens passed back are those `claim` gave.
 *
 * @example
 * ```ts
 * const claims: ClaimStore = createClaimStore(store, { leaseMs: 60_000, ttlMs: 86_400_000 });
 * ```
 */
export interface ClaimStore {
  claim(key: string): MaybePromise<ClaimAnswer>;
  complete(key: string, token: ClaimToken): MaybePromise<void>;
  release(key: string, token: ClaimToken): MaybePromise<void>;
}

/**
 * Options of {@link createClaimStore}.
 *
 * @example
 * ```ts
 * const options: ClaimStoreOptions = { leaseMs: 60_000, ttlMs: 86_400_000 };
 * ```
 */
export interface ClaimStoreOptions {
  /** How long a claim is held while the handler runs. */
  readonly leaseMs: number;
  /** How long a handled key is remembered. */
  readonly ttlMs: number;
}

/**
 * The {@link ClaimStore} over any {@link IdempotencyStore} (the messaging inbox, a SQL store, the
 * in-memory store): every call is the store's own promise.
 *
 * @example
 * ```ts
 * const claims = createClaimStore(createInMemoryIdempotencyStore(), { leaseMs: 60_000, ttlMs: 86_400_000 });
 * ```
 */
export function createClaimStore(store: IdempotencyStore, options: ClaimStoreOptions): ClaimStore {
  const claimOptions = { leaseMs: options.leaseMs };
  const completeOptions = { ttlMs: options.ttlMs };
  return {
    claim: (key) => store.claim(key, claimOptions),
    complete: (key, token) => store.complete(key, String(token), completeOptions),
    release: (key, token) => store.release(key, String(token)),
  };
}
