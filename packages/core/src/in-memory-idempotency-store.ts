import { systemClock, type Clock } from './clock.js';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import type { ClaimOptions, ClaimResult, CompleteOptions, IdempotencyRecord, IdempotencyStore } from './idempotency-store.js';
import { uuidv7 } from './uuid-v7.js';

/** Options for {@link createInMemoryIdempotencyStore}. */
export interface InMemoryIdempotencyStoreOptions {
  /**
   * Most keys kept. When full, the oldest expired and completed records are dropped until a tenth of
   * the capacity is free; live in-progress claims are never evicted (a claim beyond the limit is
   * still granted).
   * @defaultValue `100_000`
   */
  maxEntries?: number;
  /** Clock for expiry. @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * An {@link IdempotencyStore} in process memory with bounded size. Not shared between processes and
 * not durable: use it for a single instance, tests and demos; use a database-backed store (e.g.
 * the messaging inbox) when several processes consume the same stream.
 *
 * @throws IapError `INVALID_OPTIONS` when `maxEntries` is not a positive integer.
 * @example
 * ```ts
 * const store = createInMemoryIdempotencyStore({ maxEntries: 10_000 });
 * const claim = await store.claim('delivery-123', { leaseMs: 30_000 });
 * if (claim.status === 'claimed') { await work(); await store.complete('delivery-123', claim.token, { ttlMs: 86_400_000 }); }
 * ```
 */
export function createInMemoryIdempotencyStore(options: InMemoryIdempotencyStoreOptions = {}): IdempotencyStore & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 100_000;
  const clock = options.clock ?? systemClock;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'maxEntries must be a positive integer');
  }
  // Map keeps insertion order: re-inserting on update moves a key to the end (newest).
  const records = new Map<string, IdempotencyRecord>();

  const live = (key: string): IdempotencyRecord | undefined => {
    const record = records.get(key);
    if (record === undefined) return undefined;
    if (record.expiresAt <= clock.now()) {
      records.delete(key);
      return undefined;
    }
    return record;
  };

  // When full, one pass from the oldest end drops expired and completed records until a tenth of
  // the capacity is free, so eviction is amortised O(1) per claim instead of a scan per claim.
  const lowWater = maxEntries - Math.max(1, Math.floor(maxEntries / 10));
  const makeRoom = (): void => {
    if (records.size < maxEntries) return;
    const now = clock.now();
    for (const [key, record] of records) {
      if (records.size <= lowWater) break;
      if (record.state === 'completed' || record.expiresAt <= now) records.delete(key);
    }
  };

  const store = {
    get size() {
      return records.size;
    },
    claim(key: string, claimOptions: ClaimOptions): Promise<ClaimResult> {
      const existing = live(key);
      if (existing?.state === 'completed') {
        return Promise.resolve(existing.result === undefined ? { status: 'completed' } : { status: 'completed', result: existing.result });
      }
      if (existing?.state === 'in_progress') return Promise.resolve({ status: 'in_progress', expiresAt: existing.expiresAt });
      makeRoom();
      const token = uuidv7();
      records.set(key, { key, state: 'in_progress', token, expiresAt: clock.now() + claimOptions.leaseMs });
      return Promise.resolve({ status: 'claimed', token });
    },
    complete(key: string, token: string, completeOptions: CompleteOptions): Promise<void> {
      const existing = live(key);
      if (existing === undefined || existing.token !== token) {
        return Promise.reject(new IapError(ErrorCode.IDEMPOTENCY_CONFLICT, 'the idempotency claim is no longer held by this token (its lease expired and another worker took it)', { details: { key } }));
      }
      records.delete(key);
      const record: IdempotencyRecord = {
        key,
        state: 'completed',
        token,
        expiresAt: clock.now() + completeOptions.ttlMs,
        ...(completeOptions.result === undefined ? {} : { result: completeOptions.result }),
      };
      records.set(key, record);
      return Promise.resolve();
    },
    release(key: string, token: string): Promise<void> {
      const existing = records.get(key);
      if (existing?.state === 'in_progress' && existing.token === token) records.delete(key);
      return Promise.resolve();
    },
    get(key: string): Promise<IdempotencyRecord | undefined> {
      return Promise.resolve(live(key));
    },
  };
  return store;
}
