/**
 * The bare drivers the saga store factories still accept (a `pg` pool, a PGlite instance), and the
 * thin wrappers that turn them into core's `SqlDatabase`, the one contract the store runs on. The
 * recommended path is to pass the database adapter every other store uses (`createPostgresDatabase`
 * / `createPgliteDatabase` from `@iap/messaging`, or any `SqlDatabase`) as `database`, so one pool
 * serves the saga store, the outbox and the inbox.
 */
import { SqlTransactionHandle, type SqlDatabase, type SqlExecutor, type SqlTransaction } from '@iap/core';

/**
 * Anything that runs a parameterised query.
 * @deprecated Use `SqlExecutor` from `@iap/core` (the same shape).
 * @example
 * ```ts
 * const queryable: SqlQueryable = pool; // a pg Pool, Client or PoolClient, or a PGlite instance
 * ```
 */
export type SqlQueryable = SqlExecutor;

/**
 * The part of a `pg.PoolClient` the pool wrapper uses.
 *
 * @example
 * ```ts
 * const client: PgPoolClientLike = await pool.connect();
 * client.release();
 * ```
 */
export interface PgPoolClientLike extends SqlExecutor {
  release(error?: Error | boolean): void;
  /** `pg` clients are event emitters: the wrapper listens for `'error'` while it holds the client. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The part of a `pg.Pool` the pool wrapper uses (typed structurally so `pg` stays an optional
 * peer: its types are not needed to use the store).
 *
 * @example
 * ```ts
 * const pool: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PgPoolLike extends SqlExecutor {
  connect(): Promise<PgPoolClientLike>;
}

/**
 * The part of a PGlite instance the PGlite wrapper uses.
 *
 * @example
 * ```ts
 * const db: PGliteLike = await PGlite.create();
 * ```
 */
export interface PGliteLike extends SqlExecutor {
  transaction<T>(callback: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

function ignore(): void {
  // the store registers no after-commit callbacks that can throw
}

/**
 * @internal Core's `SqlDatabase` on a bare `pg` pool: statements on any pooled connection,
 * transactions on one. `close()` leaves the pool alone (it is the caller's).
 */
export function wrapPgPool(pool: PgPoolLike): SqlDatabase {
  return {
    query: (sql, params) => pool.query(sql, params),
    async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      // a checked-out pg client has no 'error' listener: a backend terminated mid-transaction would
      // raise an unhandled 'error' event and end the process. The failing query rejects on its own.
      const onClientError = (): void => {
        broken = true;
      };
      client.on?.('error', onClientError);
      const tx = new SqlTransactionHandle((sql, params) => client.query(sql, params));
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await client.query('COMMIT');
        tx.finish(true, ignore);
        return result;
      } catch (error) {
        tx.finish(false, ignore);
        await client.query('ROLLBACK').catch(() => {
          broken = true; // the connection is unusable: let the pool discard it
        });
        throw error;
      } finally {
        client.removeListener?.('error', onClientError);
        client.release(broken);
      }
    },
    close: () => Promise.resolve(),
  };
}

/**
 * @internal Core's `SqlDatabase` on a bare PGlite instance. PGlite has one connection: its own
 * `query` and `transaction` share one mutex, so a transaction never interleaves with other queries
 * on the same instance (ours or the application's). `close()` leaves the instance open (it is the caller's).
 */
export function wrapPglite(db: PGliteLike): SqlDatabase {
  return {
    query: (sql, params) => db.query(sql, params),
    async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      let tx: SqlTransactionHandle | undefined;
      try {
        const result = await db.transaction((ptx) => work((tx = new SqlTransactionHandle((sql, params) => ptx.query(sql, params)))));
        tx?.finish(true, ignore);
        return result;
      } catch (error) {
        tx?.finish(false, ignore);
        throw error;
      }
    },
    close: () => Promise.resolve(),
  };
}
