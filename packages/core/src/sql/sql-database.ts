/**
 * The one SQL executor / transaction contract of @iap: every SQL store (outbox, inbox, saga store,
 * SQL idempotency store) accepts it, and one adapter per driver implements it
 * (`createPostgresDatabase` from `@iap/messaging/postgres`, `createPgliteDatabase` from
 * `@iap/messaging/pglite`), so one pool or one PGlite instance serves them all.
 */

/**
 * The result shape the stores need from a query: the returned rows. `pg`'s `QueryResult`, PGlite's
 * `Results` and most query builders' raw results satisfy it as they are.
 * @example
 * ```ts
 * const { rows } = await db.query('SELECT count(*)::int AS n FROM orders');
 * ```
 */
export interface SqlQueryResult {
  readonly rows: readonly unknown[];
}

/**
 * Anything that runs one SQL statement with positional parameters (`$1`, `$2`, ...): a
 * {@link SqlDatabase}, a {@link SqlTransaction}, a `pg` `Pool` / `Client` / `PoolClient`, a PGlite
 * instance or transaction, or the raw escape hatch of Drizzle, Prisma, Knex or Kysely.
 *
 * When the executor is a transaction, every statement a store issues through it joins that
 * transaction: that is how the outbox writes its row in the caller's own transaction.
 *
 * @example
 * ```ts
 * const client = await pool.connect(); // pg
 * await client.query('BEGIN');
 * await outbox.enqueue(client, { destination: 'orders', envelope });
 * await client.query('COMMIT');
 * ```
 */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<SqlQueryResult>;
  /**
   * Optional: registers a callback that runs after the transaction this executor belongs to commits
   * (never after a rollback). Every {@link SqlTransaction} implements it.
   */
  afterCommit?(callback: () => void): void;
}

/**
 * A transaction handle, passed to the callback of {@link SqlDatabase.transaction}. It refuses use
 * after its transaction ended.
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   tx.afterCommit(() => console.log('committed'));
 *   await outbox.enqueue(tx, message);
 * });
 * ```
 */
export interface SqlTransaction extends SqlExecutor {
  /** Runs `callback` after the commit (never after a rollback); its errors are not thrown to the committer. */
  afterCommit(callback: () => void): void;
}

/**
 * A database a store can use on its own: plain statements (each in its own implicit transaction),
 * explicit transactions, and optionally prepared statements and LISTEN/NOTIFY. Open one per
 * database and give the same object to every store.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   await tx.query('UPDATE orders SET status = $1 WHERE id = $2', ['placed', orderId]);
 *   await outbox.enqueue(tx, { destination: 'orders', envelope });
 * });
 * ```
 */
export interface SqlDatabase extends SqlExecutor {
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it rejects (and rethrows).
   * Callbacks registered with `tx.afterCommit` run after the commit.
   */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * Optional: runs a statement that is issued over and over with the same text so that the database
   * parses and plans it once per connection, e.g. as a named prepared statement. Same semantics as
   * `query`; callers fall back to `query` when it is missing.
   */
  queryPrepared?(sql: string, params: unknown[]): Promise<SqlQueryResult>;
  /**
   * Optional: subscribes to notifications on `channel` (PostgreSQL LISTEN). `onNotification` is also
   * called after a reconnect, since notifications may have been missed. Resolves to an unsubscribe
   * function.
   */
  listen?(channel: string, onNotification: () => void): Promise<() => Promise<void>>;
  /** Releases what the adapter owns (pool, PGlite instance, lock file); a pool you passed in stays yours. */
  close(): Promise<void>;
}
