/** The state of an idempotency key. */
export type IdempotencyState = 'in_progress' | 'completed';

/** What a store knows about a key. */
export interface IdempotencyRecord {
  readonly key: string;
  readonly state: IdempotencyState;
  /** Token of the claim that owns (or completed) the key. */
  readonly token: string;
  /** When the record expires, ms since epoch. */
  readonly expiresAt: number;
  /** Result stored on completion, if any (JSON-serialisable). */
  readonly result?: unknown;
}

/** The outcome of {@link IdempotencyStore.claim}. */
export type ClaimResult =
  /** The caller owns the key now; do the work, then `complete` or `release` with this token. */
  | { readonly status: 'claimed'; readonly token: string }
  /** Another caller holds the key and has not finished (or its claim has not expired). */
  | { readonly status: 'in_progress'; readonly expiresAt: number }
  /** The work was done already; `result` is what `complete` stored. */
  | { readonly status: 'completed'; readonly result?: unknown };

/** Options for {@link IdempotencyStore.claim}. */
export interface ClaimOptions {
  /**
   * How long the in-progress claim is held before another caller may take over (a crashed worker
   * must not hold the key forever).
   */
  readonly leaseMs: number;
}

/** Options for {@link IdempotencyStore.complete}. */
export interface CompleteOptions {
  /** How long the completed record is remembered (the dedup window). */
  readonly ttlMs: number;
  /** Optional JSON-serialisable result returned to later duplicate claims. */
  readonly result?: unknown;
}

/**
 * Atomic claim-if-absent for idempotent processing (webhook deliveries, consumed messages).
 *
 * Semantics every implementation guarantees:
 * - `claim` is atomic: of concurrent claims for an absent (or expired) key, exactly one gets `claimed`.
 * - an in-progress claim whose lease expired can be claimed again (the first worker is presumed dead);
 *   its later `complete` then fails with `IDEMPOTENCY_CONFLICT`, so the caller learns it lost the key.
 * - `complete` and `release` only act for the token that holds the key.
 * - a completed key answers `completed` until its TTL ends, then is forgotten.
 */
export interface IdempotencyStore {
  /** Claims `key` for processing. */
  claim(key: string, options: ClaimOptions): Promise<ClaimResult>;
  /**
   * Marks the key completed.
   * @throws IapError `IDEMPOTENCY_CONFLICT` when `token` no longer holds the key.
   */
  complete(key: string, token: string, options: CompleteOptions): Promise<void>;
  /** Gives up a claim (processing failed) so the key can be claimed again. No-op for a foreign token. */
  release(key: string, token: string): Promise<void>;
  /** Reads the record for `key`, if any and not expired. */
  get(key: string): Promise<IdempotencyRecord | undefined>;
}
