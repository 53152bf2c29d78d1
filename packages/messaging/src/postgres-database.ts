/**
 * The `pg` adapter of core's SQL contract: a `SqlDatabase` on a pool, for the outbox, inbox, relay,
 * SQL idempotency store and the saga store alike. Its parts: options and pool
 * (postgres-database-options.ts), transactions (postgres/postgres-transaction.ts), LISTEN
 * (postgres/listen-connection.ts) and prepared-statement names (postgres/statement-names.ts).
 */
import { ErrorCode, IapError, type SqlQueryResult, type SqlTransaction } from '@iap/core';
import type { MessagingDatabase } from './executor.js';
import { createCoalescingNotifier } from './internal/coalescing-notifier.js';
import { ListenConnection } from './postgres/listen-connection.js';
import { runPostgresTransaction } from './postgres/postgres-transaction.js';
import { statementName } from './postgres/statement-names.js';
import { resolvePostgresDatabaseOptions, type PostgresDatabaseOptions } from './postgres-database-options.js';

export type { PostgresDatabaseOptions } from './postgres-database-options.js';

/**
 * A {@link MessagingDatabase} on PostgreSQL through `pg`: plain statements on the pool, transactions
 * on one pooled client, LISTEN on one dedicated client that reconnects (and then wakes its
 * listeners, since notifications may have been missed). Open one per database and give it to every
 * store: `migrate`, the outbox and inbox, `createSqlIdempotencyStore({ database })` and the saga
 * store (`createSqlSagaStore({ database })` from `@iap/resilience/postgres`).
 *
 * @throws IapError `INVALID_OPTIONS` when neither `pool` nor `connectionString` is valid.
 * @example
 * ```ts
 * import { createPostgresDatabase } from '@iap/messaging/postgres';
 * const db = createPostgresDatabase({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 * ```
 */
export function createPostgresDatabase(options: PostgresDatabaseOptions): MessagingDatabase {
  const { pool, ownsPool, clock, listenReconnectDelayMs, preparedStatements } = resolvePostgresDatabaseOptions(options);
  let closed = false;
  const closedError = (): IapError => new IapError(ErrorCode.CLOSED, 'the PostgreSQL messaging database is closed');
  const notifier = createCoalescingNotifier((channel) => (closed ? Promise.resolve() : pool.query("SELECT pg_notify($1, '')", [channel])));
  const listener = new ListenConnection({ pool, clock, reconnectDelayMs: listenReconnectDelayMs });

  return {
    query(sql: string, params?: unknown[]): Promise<SqlQueryResult> {
      if (closed) return Promise.reject(closedError());
      return pool.query(sql, params);
    },

    queryPrepared(sql: string, params: unknown[]): Promise<SqlQueryResult> {
      if (closed) return Promise.reject(closedError());
      return preparedStatements ? pool.query({ name: statementName(sql), text: sql, values: params }) : pool.query(sql, params);
    },

    async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      if (closed) throw closedError();
      return runPostgresTransaction(pool, notifier, fn);
    },

    async listen(channel: string, callback: () => void): Promise<() => Promise<void>> {
      if (closed) throw closedError();
      return listener.listen(channel, callback);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await listener.close();
      if (ownsPool) await pool.end();
    },
  };
}
