/**
 * The result shape @iap/messaging needs from a query: the returned rows. `pg`'s `QueryResult`,
 * PGlite's `Results` and most query builders' raw results satisfy it as they are.
 * @example
 * ```ts
 * const { rows } = await db.query('SELECT count(*)::int AS n FROM orders');
 * ```
 */
export interface SqlQueryResult {
  readonly rows: readonly unknown[];
}

/**
 * The minimal executor contract: anything that runs one SQL statement with positional parameters
 * (`$1`, `$2`, ...). A `pg` `Client` / `PoolClient`, a PGlite instance or transaction, and the raw
 * escape hatch of Drizzle, Prisma, Knex or Kysely (see the README) all fit.
 *
 * When the executor is a transaction, every statement @iap/messaging issues through it joins that
 * transaction: that is how `enqueue` writes the outbox row in the caller's own transaction.
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
   * (never after a rollback). The transactions of {@link MessagingDatabase} implement it, so an
   * enqueue wakes in-process relays right after its commit.
   */
  afterCommit?(callback: () => void): void;
}

/**
 * A transaction handle passed to the callback of {@link MessagingDatabase.transaction}.
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   tx.afterCommit(() => console.log('committed'));
 *   await outbox.enqueue(tx, message);
 * });
 * ```
 */
export interface TransactionExecutor extends SqlExecutor {
  afterCommit(callback: () => void): void;
}

/**
 * A database the relay, the migrations and the admin API can use on their own: plain statements
 * (each in its own implicit transaction), explicit transactions, and optionally LISTEN/NOTIFY.
 * `createPostgresDatabase` (`@iap/messaging/postgres`) and `createPgliteDatabase`
 * (`@iap/messaging/pglite`) implement it.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   await tx.query('UPDATE orders SET status = $1 WHERE id = $2', ['placed', orderId]);
 *   await outbox.enqueue(tx, { destination: 'orders', envelope });
 * });
 * ```
 */
export interface MessagingDatabase extends SqlExecutor {
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it rejects (and rethrows).
   * Callbacks registered with `tx.afterCommit` run after the commit.
   */
  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T>;
  /**
   * Optional: runs a statement that is issued over and over with the same text (the relay's claim and
   * acknowledgements) so that the database parses and plans it once per connection, e.g. as a named
   * prepared statement. Same semantics as `query`; implementations without it fall back to `query`.
   */
  queryPrepared?(sql: string, params: unknown[]): Promise<SqlQueryResult>;
  /**
   * Optional: subscribes to notifications on `channel` (PostgreSQL LISTEN). `onNotification` is also
   * called after a reconnect, since notifications may have been missed. Resolves to an unsubscribe
   * function.
   */
  listen?(channel: string, onNotification: () => void): Promise<() => Promise<void>>;
  /** Releases what the adapter owns (pool, PGlite instance, lock file). */
  close(): Promise<void>;
}
