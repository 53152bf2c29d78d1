/**
 * What a query returns, as far as the saga stores need it (`pg` and PGlite results both fit).
 *
 * @example
 * ```ts
 * const { rows } = await pool.query('SELECT 1 AS one');
 * ```
 */
export interface SqlQueryResult {
  readonly rows: readonly unknown[];
}

/**
 * Anything that runs a parameterised query: a `pg` Pool, PoolClient or Client, a PGlite instance or transaction.
 *
 * @example
 * ```ts
 * const queryable: SqlQueryable = pool; // a pg Pool, Client or PoolClient, or a PGlite instance
 * ```
 */
export interface SqlQueryable {
  query(text: string, values?: unknown[]): Promise<SqlQueryResult>;
}

/**
 * The part of a `pg.PoolClient` the PostgreSQL saga store uses.
 *
 * @example
 * ```ts
 * const client: PgPoolClientLike = await pool.connect();
 * client.release();
 * ```
 */
export interface PgPoolClientLike extends SqlQueryable {
  release(error?: Error | boolean): void;
  /** `pg` clients are event emitters: the store listens for `'error'` while it holds the client. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The part of a `pg.Pool` the PostgreSQL saga store uses (typed structurally so `pg` stays an
 * optional peer: its types are not needed to use the store).
 *
 * @example
 * ```ts
 * const pool: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PgPoolLike extends SqlQueryable {
  connect(): Promise<PgPoolClientLike>;
}

/**
 * The part of a PGlite instance the PGlite saga store uses.
 *
 * @example
 * ```ts
 * const db: PGliteLike = await PGlite.create();
 * ```
 */
export interface PGliteLike extends SqlQueryable {
  transaction<T>(callback: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/** @internal Single statements plus transactions, over either driver. */
export interface SqlExecutor extends SqlQueryable {
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/** @internal An executor over a `pg` pool: statements on any pooled connection, transactions on one. */
export function pgPoolExecutor(pool: PgPoolLike): SqlExecutor {
  return {
    query: (text, values) => pool.query(text, values),
    async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      // a checked-out pg client has no 'error' listener: a backend terminated mid-transaction would
      // raise an unhandled 'error' event and end the process. The failing query rejects on its own.
      const onClientError = (): void => {
        broken = true;
      };
      client.on?.('error', onClientError);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is unusable: let the pool discard it
        }
        throw error;
      } finally {
        client.removeListener?.('error', onClientError);
        client.release(broken);
      }
    },
  };
}

/**
 * @internal An executor over PGlite. PGlite has one connection: its own `query` and `transaction`
 * share one mutex, so a transaction never interleaves with other queries on the same instance
 * (ours or the application's).
 */
export function pgliteExecutor(db: PGliteLike): SqlExecutor {
  return {
    query: (text, values) => db.query(text, values),
    transaction: (work) => db.transaction((tx) => work(tx)),
  };
}
