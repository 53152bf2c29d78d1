import { invalidOptions } from '../saga-errors.js';
import { sagaTables } from './saga-tables.js';
import { pgliteExecutor, type PGliteLike } from './sql-executor.js';
import { createSqlSagaStore, type SqlSagaStore } from './sql-saga-store.js';

/**
 * Options of {@link createPGliteSagaStore}.
 *
 * @example
 * ```ts
 * createPGliteSagaStore({ db: await PGlite.create('./data/sagas'), schema: 'sagas' });
 * ```
 */
export interface PGliteSagaStoreOptions {
  /** A PGlite instance (the store never closes it: it is yours, and may be shared with your own tables). */
  db: PGliteLike;
  /**
   * Schema of the saga tables (created by `migrate()` when missing).
   * @defaultValue `'public'`
   */
  schema?: string;
  /**
   * Prefix of the table names.
   * @defaultValue `'iap_'`
   */
  tablePrefix?: string;
}

/**
 * Creates a durable {@link SagaStore} in PGlite (embedded PostgreSQL, in memory or in a data
 * directory): the zero-service default for demos, single-process apps and tests. Same SQL and
 * guarantees as {@link createPostgresSagaStore}; PGlite has one connection and serialises every
 * query and transaction on it, so the store's statements never interleave with a transaction of
 * yours on the same instance. Call `migrate()` once.
 *
 * @throws IapError `INVALID_OPTIONS` when `db` is not a PGlite instance or `schema` / `tablePrefix` is not a lower-case identifier.
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createPGliteSagaStore } from '@iap/resilience/postgres';
 *
 * const store = createPGliteSagaStore({ db: await PGlite.create('./data/sagas') });
 * await store.migrate();
 * ```
 */
export function createPGliteSagaStore(options: PGliteSagaStoreOptions): SqlSagaStore {
  const where = 'createPGliteSagaStore()';
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object with a db');
  const db = options.db as Partial<PGliteLike> | undefined;
  if (typeof db !== 'object' || db === null || typeof db.query !== 'function' || typeof db.transaction !== 'function') {
    throw invalidOptions(where, 'db must be a PGlite instance (an object with query() and transaction())');
  }
  return createSqlSagaStore(pgliteExecutor(options.db), sagaTables(where, options.schema ?? 'public', options.tablePrefix ?? 'iap_'));
}
