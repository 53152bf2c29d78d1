import type { SqlDatabase } from '@iap/core';
import { invalidOptions } from '../saga-errors.js';
import { wrapPglite, type PGliteLike } from './bare-driver-database.js';
import { isSqlDatabase, sqlSagaStoreOn, type SagaTablesOptions } from './create-sql-saga-store.js';
import type { SqlSagaStore } from './sql-saga-store.js';

/**
 * Options of {@link createPGliteSagaStore}: give `database` (recommended) or `db`.
 *
 * @example
 * ```ts
 * createPGliteSagaStore({ database: await createPgliteDatabase({ dataDir: './data/app' }), schema: 'sagas' });
 * ```
 */
export interface PGliteSagaStoreOptions extends SagaTablesOptions {
  /**
   * The database as core's `SqlDatabase`, e.g. `createPgliteDatabase()` from
   * `@iap/messaging/pglite`: the same gateway the outbox and inbox use, so one PGlite instance serves them all.
   * @defaultValue none: `database` or `db` is required
   */
  database?: SqlDatabase;
  /**
   * A bare PGlite instance, wrapped in a minimal `SqlDatabase` (the store never closes it: it is
   * yours, and may be shared with your own tables).
   * @defaultValue none: `database` or `db` is required
   */
  db?: PGliteLike;
}

/**
 * Creates a durable {@link SagaStore} in PGlite (embedded PostgreSQL, in memory or in a data
 * directory): the zero-service default for demos, single-process apps and tests. Same SQL and
 * guarantees as {@link createPostgresSagaStore}; PGlite has one connection and serialises every
 * query and transaction on it, so the store's statements never interleave with a transaction of
 * yours on the same instance. Call `migrate()` once.
 *
 * @throws IapError `INVALID_OPTIONS` when neither (or both) of `database` and `db` is given, either is of the wrong kind, or `schema` / `tablePrefix` is not a lower-case identifier.
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@iap/messaging/pglite';
 * import { createPGliteSagaStore } from '@iap/resilience/postgres';
 *
 * const db = await createPgliteDatabase({ dataDir: './data/app' });
 * const store = createPGliteSagaStore({ database: db }); // the outbox and inbox use the same db
 * await store.migrate();
 * ```
 */
export function createPGliteSagaStore(options: PGliteSagaStoreOptions): SqlSagaStore {
  const where = 'createPGliteSagaStore()';
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object with a database or a db');
  if ((options.database === undefined) === (options.db === undefined)) throw invalidOptions(where, 'give database (a SqlDatabase, e.g. createPgliteDatabase()) or db (a PGlite instance), exactly one');
  if (options.database !== undefined) {
    if (!isSqlDatabase(options.database)) throw invalidOptions(where, 'database must be a SqlDatabase (with query() and transaction())');
    return sqlSagaStoreOn(where, options.database, options);
  }
  if (!isSqlDatabase(options.db)) throw invalidOptions(where, 'db must be a PGlite instance (an object with query() and transaction())');
  return sqlSagaStoreOn(where, wrapPglite(options.db), options);
}
