import { ErrorCode, IapError, systemClock, uuidv7, type SqlExecutor, type ClaimOptions, type ClaimResult, type Clock, type CompleteOptions, type IdempotencyRecord, type IdempotencyStore } from '@iap/core';
import { describeDatabaseError } from './internal/database-error.js';
import { resolveTableNames } from './internal/table-names.js';
import type { MessagingTablesOptions } from './tables.js';

/** Options of {@link createSqlIdempotencyStore}. */
export interface SqlIdempotencyStoreOptions extends MessagingTablesOptions {
  /**
   * The database: core's `SqlDatabase` (the same `createPostgresDatabase` / `createPgliteDatabase`
   * object the outbox and the saga store use), or any `SqlExecutor` (a bare `pg` pool or client, a
   * PGlite instance: every operation is one statement, so no transaction is needed).
   */
  database: SqlExecutor;
  /**
   * Clock for leases and TTLs. Hosts sharing the table must agree on the time to well within the
   * shortest lease.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
}

/** A shared, durable {@link IdempotencyStore} in PostgreSQL or PGlite, plus housekeeping. */
export interface SqlIdempotencyStore extends IdempotencyStore {
  /**
   * Deletes up to `limit` expired records; returns how many. Run it periodically (expired records
   * are already ignored by every other method; this only reclaims space).
   */
  purgeExpired(limit?: number): Promise<number>;
}

function storeFailed(operation: string, label: string, error: unknown): IapError {
  return new IapError(ErrorCode.STORE_FAILED, `idempotency store ${operation} on ${label} failed (${describeDatabaseError(error)})`, { cause: error, retryable: true });
}

function positiveMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `${name} must be a positive number of milliseconds`);
  }
  return value;
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1000) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'an idempotency key must be a string of 1-1000 characters');
  }
  return key;
}

interface Row {
  state: 'in_progress' | 'completed';
  token: string;
  expires_at: string | number;
  result: unknown;
}

/**
 * Creates core's {@link IdempotencyStore} on a table in PostgreSQL or PGlite (`<prefix>idempotency_keys`,
 * created by `migrate`), so several processes (webhook receivers, Kafka consumers) share one dedup
 * state. Every operation is one statement: `claim` is an `INSERT ... ON CONFLICT DO UPDATE ... WHERE
 * expired`, so of concurrent claims exactly one wins, and a claim whose lease expired can be taken
 * over; `complete` and `release` act only for the token that holds the key.
 *
 * For effects in the same database, prefer the inbox (`inbox.handle`): it records the message in the
 * handler's own transaction, so the effect and its dedup record commit together. This store suits
 * effects elsewhere (an HTTP call, another database), where claim → work → complete is the best any
 * store can do: a crash between the work and `complete` lets a later delivery run it again after the
 * lease expires.
 *
 * @throws IapError `INVALID_OPTIONS` for a missing database or bad table options.
 * @example
 * ```ts
 * await migrate(db);
 * const store = createSqlIdempotencyStore({ database: db });
 * const dedup = createWebhookDeduplicator({ store }); // @iap/webhooks
 * ```
 */
export function createSqlIdempotencyStore(options: SqlIdempotencyStoreOptions): SqlIdempotencyStore {
  if (typeof options?.database?.query !== 'function') throw new IapError(ErrorCode.INVALID_OPTIONS, 'createSqlIdempotencyStore: database (with a query method) is required');
  const names = resolveTableNames(options);
  const db = options.database;
  const clock = options.clock ?? systemClock;
  const table = names.idempotency;
  const label = names.idempotencyLabel;

  const claimSql = `INSERT INTO ${table} AS t (key, state, token, expires_at, result) VALUES ($1, 'in_progress', $2, $3, NULL)
    ON CONFLICT (key) DO UPDATE SET state = 'in_progress', token = EXCLUDED.token, expires_at = EXCLUDED.expires_at, result = NULL
    WHERE t.expires_at <= $4
    RETURNING token`;
  const readSql = `SELECT state, token, expires_at, result FROM ${table} WHERE key = $1 AND expires_at > $2`;

  async function run(operation: string, sql: string, params: unknown[]) {
    try {
      return await db.query(sql, params);
    } catch (error) {
      throw storeFailed(operation, label, error);
    }
  }

  const store: SqlIdempotencyStore = {
    async claim(key: string, claimOptions: ClaimOptions): Promise<ClaimResult> {
      checkKey(key);
      const leaseMs = positiveMs('leaseMs', claimOptions?.leaseMs);
      for (let round = 0; round < 3; round++) {
        const now = clock.now();
        const token = uuidv7(now);
        const claimed = await run('claim', claimSql, [key, token, now + leaseMs, now]);
        if (claimed.rows.length === 1) return { status: 'claimed', token };
        const existing = await run('claim', readSql, [key, now]);
        const row = existing.rows[0] as Row | undefined;
        if (row === undefined) continue; // released or expired between the two statements: try again
        if (row.state === 'completed') return row.result === null || row.result === undefined ? { status: 'completed' } : { status: 'completed', result: row.result };
        return { status: 'in_progress', expiresAt: Number(row.expires_at) };
      }
      throw new IapError(ErrorCode.STORE_FAILED, `idempotency store claim on ${label} kept racing with other workers; try again`, { retryable: true });
    },

    async complete(key: string, token: string, completeOptions: CompleteOptions): Promise<void> {
      checkKey(key);
      const ttlMs = positiveMs('ttlMs', completeOptions?.ttlMs);
      const now = clock.now();
      let result: string | null = null;
      if (completeOptions.result !== undefined) {
        try {
          result = JSON.stringify(completeOptions.result);
        } catch (error) {
          throw new IapError(ErrorCode.INVALID_OPTIONS, 'the idempotency result must be JSON-serialisable', { cause: error });
        }
      }
      const updated = await run(
        'complete',
        `UPDATE ${table} SET state = 'completed', expires_at = $3, result = $4::jsonb WHERE key = $1 AND token = $2 AND state = 'in_progress' AND expires_at > $5 RETURNING key`,
        [key, token, now + ttlMs, result, now],
      );
      if (updated.rows.length === 0) {
        throw new IapError(ErrorCode.IDEMPOTENCY_CONFLICT, 'the idempotency claim is no longer held by this token (its lease expired and another worker may have taken it)', { details: { table: label } });
      }
    },

    async release(key: string, token: string): Promise<void> {
      checkKey(key);
      await run('release', `DELETE FROM ${table} WHERE key = $1 AND token = $2 AND state = 'in_progress'`, [key, token]);
    },

    async get(key: string): Promise<IdempotencyRecord | undefined> {
      checkKey(key);
      const existing = await run('get', readSql, [key, clock.now()]);
      const row = existing.rows[0] as Row | undefined;
      if (row === undefined) return undefined;
      return {
        key,
        state: row.state,
        token: row.token,
        expiresAt: Number(row.expires_at),
        ...(row.result === null || row.result === undefined ? {} : { result: row.result }),
      };
    },

    async purgeExpired(limit = 10_000): Promise<number> {
      if (!Number.isInteger(limit) || limit <= 0) throw new IapError(ErrorCode.INVALID_OPTIONS, 'purgeExpired: limit must be a positive integer');
      const deleted = await run('purgeExpired', `DELETE FROM ${table} WHERE key IN (SELECT key FROM ${table} WHERE expires_at <= $1 LIMIT $2) RETURNING key`, [clock.now(), limit]);
      return deleted.rows.length;
    },
  };
  return store;
}
