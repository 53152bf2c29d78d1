/**
 * The executor contract of @iap/messaging is core's one SQL contract (`@iap/core`), so the outbox,
 * inbox, relay and SQL idempotency store accept the same database object as every other @iap SQL
 * store (the saga store of `@iap/resilience/postgres` included). The names below are kept for
 * compatibility; they are the core types.
 */
import type { SqlDatabase, SqlTransaction } from '@iap/core';

/**
 * Core's `SqlQueryResult` and `SqlExecutor` under their own names: the rows a query returns, and
 * anything that runs one SQL statement with positional parameters (a transaction, a `pg` client, a
 * PGlite instance, a query builder's raw escape hatch).
 */
export type { SqlExecutor, SqlQueryResult } from '@iap/core';

/**
 * A transaction handle passed to the callback of {@link MessagingDatabase.transaction}: core's
 * `SqlTransaction` (this name is kept for compatibility).
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   tx.afterCommit(() => console.log('committed'));
 *   await outbox.enqueue(tx, message);
 * });
 * ```
 */
export type TransactionExecutor = SqlTransaction;

/**
 * A database the relay, the migrations and the admin API can use on their own: core's
 * `SqlDatabase` (this name is kept for compatibility). `createPostgresDatabase`
 * (`@iap/messaging/postgres`) and `createPgliteDatabase` (`@iap/messaging/pglite`) implement it;
 * give the same object to the saga store (`createSqlSagaStore({ database })` from
 * `@iap/resilience/postgres`) so one pool serves both.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   await tx.query('UPDATE orders SET status = $1 WHERE id = $2', ['placed', orderId]);
 *   await outbox.enqueue(tx, { destination: 'orders', envelope });
 * });
 * ```
 */
export type MessagingDatabase = SqlDatabase;
