import { ErrorCode, IapError, type ClaimOptions, type ClaimResult, type Clock, type CompleteOptions, type IdempotencyRecord, type IdempotencyStore } from '@iap/core';

/** A stored record; mutable inside the store, copied when handed out. */
interface Entry {
  readonly key: string;
  state: IdempotencyRecord['state'];
  readonly token: string;
  expiresAt: number;
  result?: unknown;
}

/** The synchronous face of the bounded store, used by the consumer's hot path. */
export interface SyncIdempotencyStore {
  claim(key: string, options: ClaimOptions): ClaimResult;
  /** @throws IapError `IDEMPOTENCY_CONFLICT` when `token` no longer holds the key. */
  complete(key: string, token: string, options: CompleteOptions): void;
  release(key: string, token: string): void;
}

const syncViews = new WeakMap<IdempotencyStore, SyncIdempotencyStore>();

/** The synchronous face of a store made by {@link createBoundedMemoryIdempotencyStore}; undefined for any other store. */
export function syncView(store: IdempotencyStore): SyncIdempotencyStore | undefined {
  return syncViews.get(store);
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
  const records = new Map<string, Entry>();
  // tokens only need to be unique within this store: a counter, cheaper than a random UUID per record
  const tokenPrefix = `${clock.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-`;
  let tokenCounter = 0;

  const live = (key: string): Entry | undefined => {
    const record = records.get(key);
    if (record === undefined) return undefined;
    if (record.expiresAt <= clock.now()) {
      records.delete(key);
      return undefined;
    }
    return record;
  };

  // Evicts in bulk: when full, one pass from the oldest end drops a tenth of the records. Evicting
  // one record per insert would walk the Map's front on every claim, and the front fills with the
  // holes deletions leave until V8 rehashes, which makes each claim cost O(holes).
  const evictionBatch = Math.max(1, Math.floor(maxEntries / 10));
  const makeRoom = (): void => {
    if (records.size < maxEntries) return;
    const target = maxEntries - evictionBatch;
    const now = clock.now();
    for (const [key, record] of records) {
      if (records.size <= target) return;
      if (record.state === 'completed' || record.expiresAt <= now) records.delete(key);
    }
  };

  const sync: SyncIdempotencyStore = {
    claim(key, claimOptions) {
      const existing = live(key);
      if (existing?.state === 'completed') return existing.result === undefined ? { status: 'completed' } : { status: 'completed', result: existing.result };
      if (existing?.state === 'in_progress') return { status: 'in_progress', expiresAt: existing.expiresAt };
      makeRoom();
      const token = tokenPrefix + (tokenCounter++).toString(36);
      records.set(key, { key, state: 'in_progress', token, expiresAt: clock.now() + claimOptions.leaseMs });
      return { status: 'claimed', token };
    },
    complete(key, token, completeOptions) {
      const existing = live(key);
      if (existing === undefined || existing.token !== token) {
        throw new IapError(ErrorCode.IDEMPOTENCY_CONFLICT, 'the idempotency claim is no longer held by this token (its lease expired and another worker took it)', { details: { key } });
      }
      // completed in place: the key keeps its claim-time position in the eviction order (a claim is
      // completed moments after it is made), which spares a delete and re-insert per record
      existing.state = 'completed';
      existing.expiresAt = clock.now() + completeOptions.ttlMs;
      if (completeOptions.result !== undefined) existing.result = completeOptions.result;
    },
    release(key, token) {
      const existing = records.get(key);
      if (existing?.state === 'in_progress' && existing.token === token) records.delete(key);
    },
  };
  const store: IdempotencyStore = {
    claim: (key, claimOptions) => Promise.resolve(sync.claim(key, claimOptions)),
    complete: (key, token, completeOptions) => new Promise<void>((resolve) => resolve(sync.complete(key, token, completeOptions))),
    release: (key, token) => Promise.resolve(sync.release(key, token)),
    get: (key) => {
      const entry = live(key);
      return Promise.resolve(entry === undefined ? undefined : { ...entry });
    },
  };
  syncViews.set(store, sync);
  return store;
}
