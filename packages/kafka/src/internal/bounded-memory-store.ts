import { ErrorCode, IapError, type ClaimOptions, type ClaimResult, type Clock, type CompleteOptions, type IdempotencyRecord, type IdempotencyStore } from '@iap/core';

/** A stored record; mutable inside the store, copied when handed out. */
export interface StoreEntry {
  readonly key: string;
  state: IdempotencyRecord['state'];
  /** Claim number; the public API shows it as a string token. */
  readonly claim: number;
  expiresAt: number;
  result?: unknown;
}

/**
 * The synchronous face of the bounded store, used by the consumer's hot path: no promise and no
 * result object per record.
 */
export interface SyncIdempotencyStore {
  /** Claims `key`: the claim number (>= 0) when claimed, otherwise the live entry that holds it. */
  tryClaim(key: string, leaseMs: number): number | StoreEntry;
  /** @throws IapError `IDEMPOTENCY_CONFLICT` when `claim` no longer holds the key. */
  complete(key: string, claim: number, ttlMs: number): void;
  release(key: string, claim: number): void;
}

const syncViews = new WeakMap<IdempotencyStore, SyncIdempotencyStore>();

/** The synchronous face of a store made by {@link createBoundedMemoryIdempotencyStore}; undefined for any other store. */
export function syncView(store: IdempotencyStore): SyncIdempotencyStore | undefined {
  return syncViews.get(store);
}

function conflict(key: string): IapError {
  return new IapError(ErrorCode.IDEMPOTENCY_CONFLICT, 'the idempotency claim is no longer held by this token (its lease expired and another worker took it)', { details: { key } });
}

/**
 * The consumer's default idempotency store: in process memory, bounded, with the semantics of
 * core's `createInMemoryIdempotencyStore` but O(1) amortised eviction. When full it drops the oldest
 * tenth of the completed or expired records in one pass (core's store scans every record for expiry
 * on each claim once full, which costs O(maxEntries) per record at steady state; reported to core).
 * Running claims are never evicted; eviction goes by claim order.
 */
export function createBoundedMemoryIdempotencyStore(options: { readonly maxEntries: number; readonly clock: Clock }): IdempotencyStore {
  const { maxEntries, clock } = options;
  const records = new Map<string, StoreEntry>();
  // claims are numbered; the public token is this store's prefix plus the number, so tokens of
  // different stores never match
  const tokenPrefix = `${clock.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-`;
  let nextClaim = 0;

  const live = (key: string): StoreEntry | undefined => {
    const entry = records.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= clock.now()) {
      records.delete(key);
      return undefined;
    }
    return entry;
  };

  // Evicts in bulk: when full, one pass from the oldest end drops a tenth of the records. Evicting
  // one record per insert would walk the Map's front on every claim, and the front fills with the
  // holes deletions leave until V8 rehashes, which makes each claim cost O(holes).
  const evictionBatch = Math.max(1, Math.floor(maxEntries / 10));
  const makeRoom = (): void => {
    if (records.size < maxEntries) return;
    const target = maxEntries - evictionBatch;
    const now = clock.now();
    for (const [key, entry] of records) {
      if (records.size <= target) return;
      if (entry.state === 'completed' || entry.expiresAt <= now) records.delete(key);
    }
  };

  const sync: SyncIdempotencyStore = {
    tryClaim(key, leaseMs) {
      const existing = live(key);
      if (existing !== undefined) return existing;
      makeRoom();
      const claim = nextClaim++;
      records.set(key, { key, state: 'in_progress', claim, expiresAt: clock.now() + leaseMs });
      return claim;
    },
    complete(key, claim, ttlMs) {
      const existing = live(key);
      if (existing === undefined || existing.claim !== claim) throw conflict(key);
      // completed in place: the key keeps its claim-time position in the eviction order (a claim is
      // completed moments after it is made), which spares a delete and re-insert per record
      existing.state = 'completed';
      existing.expiresAt = clock.now() + ttlMs;
    },
    release(key, claim) {
      const existing = records.get(key);
      if (existing?.state === 'in_progress' && existing.claim === claim) records.delete(key);
    },
  };

  const claimOf = (token: string): number => (token.startsWith(tokenPrefix) ? Number(token.slice(tokenPrefix.length)) : -1);
  const toRecord = (entry: StoreEntry): IdempotencyRecord => ({
    key: entry.key,
    state: entry.state,
    token: tokenPrefix + String(entry.claim),
    expiresAt: entry.expiresAt,
    ...(entry.result === undefined ? {} : { result: entry.result }),
  });

  const store: IdempotencyStore = {
    claim(key: string, claimOptions: ClaimOptions): Promise<ClaimResult> {
      const outcome = sync.tryClaim(key, claimOptions.leaseMs);
      if (typeof outcome === 'number') return Promise.resolve({ status: 'claimed', token: tokenPrefix + String(outcome) });
      if (outcome.state === 'in_progress') return Promise.resolve({ status: 'in_progress', expiresAt: outcome.expiresAt });
      return Promise.resolve(outcome.result === undefined ? { status: 'completed' } : { status: 'completed', result: outcome.result });
    },
    complete(key: string, token: string, completeOptions: CompleteOptions): Promise<void> {
      const existing = live(key);
      const claim = claimOf(token);
      if (existing === undefined || existing.claim !== claim) return Promise.reject(conflict(key));
      sync.complete(key, claim, completeOptions.ttlMs);
      if (completeOptions.result !== undefined) existing.result = completeOptions.result;
      return Promise.resolve();
    },
    release(key: string, token: string): Promise<void> {
      sync.release(key, claimOf(token));
      return Promise.resolve();
    },
    get(key: string): Promise<IdempotencyRecord | undefined> {
      const entry = live(key);
      return Promise.resolve(entry === undefined ? undefined : toRecord(entry));
    },
  };
  syncViews.set(store, sync);
  return store;
}
