import { invalidOptions } from '../saga-errors.js';
import { sagaTables } from './saga-tables.js';
import { pgPoolExecutor, type PgPoolLike } from './sql-executor.js';
import { createSqlSagaStore, type SqlSagaStore } from './sql-saga-store.js';

/**
 * Options of {@link createPostgresSagaStore}.
 *
 * @example
 * ```ts
 * createPostgresSagaStore({ pool, schema: 'orders', tablePrefix: 'iap_' });
 * ```
 */
export interface PostgresSagaStoreOptions {
  /**
   * A `pg.Pool` (the store never ends it: the pool is yours). When it has no `'error'` listener,
   * one is added that ignores idle clients' connection errors (pg would otherwise end the process
   * when the server restarts); a connection that dies inside a store transaction fails that call
   * with a retryable `STORE_FAILED` and is discarded.
   */
  pool: PgPoolLike;
  /**
   * Schema of the saga tables (created by `migrate()` when missing).
   * @defaultValue `'public'`
   */
  schema?: string;
  /**
   * Prefix of the table names: `<prefix>saga_runs`, `<prefix>saga_checkpoints`, `<prefix>saga_migrations`.
   * @defaultValue `'iap_'`
   */
  tablePrefix?: string;
}

/**
 * Creates a durable {@link SagaStore} in PostgreSQL through a `pg` pool. Call `migrate()` once at
 * start-up (idempotent, safe from several processes). Every write is one statement, fenced by
 * lease owner and version; `claim` uses `FOR UPDATE SKIP LOCKED`, so any number of workers can
 * resume sagas from the same tables.
 *
 * @throws IapError `INVALID_OPTIONS` when `pool` is not a pool or `schema` / `tablePrefix` is not a lower-case identifier.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresSagaStore } from '@iap/resilience/postgres';
 *
 * const store = createPostgresSagaStore({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await store.migrate();
 * ```
 */
/** The event-emitter part of a `pg.Pool`. */
interface PoolEvents {
  listenerCount(event: 'error'): number;
  on(event: 'error', listener: () => void): unknown;
}

function ignoreIdleError(): void {
  // an idle pooled client lost its connection: the pool has already discarded it
}

export function createPostgresSagaStore(options: PostgresSagaStoreOptions): SqlSagaStore {
  const where = 'createPostgresSagaStore()';
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object with a pool');
  const pool = options.pool as Partial<PgPoolLike> | undefined;
  if (typeof pool !== 'object' || pool === null || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
    throw invalidOptions(where, 'pool must be a pg.Pool (an object with query() and connect())');
  }
  // pg emits an idle client's connection loss (server restart, terminated backend) as the pool's
  // 'error' event, which ends the process when nobody listens; the next query reconnects anyway
  const emitter = options.pool as Partial<PoolEvents>;
  if (typeof emitter.listenerCount === 'function' && typeof emitter.on === 'function' && emitter.listenerCount('error') === 0) emitter.on('error', ignoreIdleError);
  return createSqlSagaStore(pgPoolExecutor(options.pool), sagaTables(where, options.schema ?? 'public', options.tablePrefix ?? 'iap_'));
}
