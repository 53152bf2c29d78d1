import type { SqlDatabase } from '@iap/core';
import { invalidOptions } from '../saga-errors.js';
import { sagaTables } from './saga-tables.js';
import { buildSqlSagaStore, type SqlSagaStore } from './sql-saga-store.js';

/**
 * Where the saga tables live: the options every SQL saga store factory shares.
 *
 * @example
 * ```ts
 * const tables: SagaTablesOptions = { schema: 'orders', tablePrefix: 'iap_' };
 * ```
 */
export interface SagaTablesOptions {
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
 * Options of {@link createSqlSagaStore}.
 *
 * @example
 * ```ts
 * createSqlSagaStore({ database: createPostgresDatabase({ pool }), schema: 'orders' });
 * ```
 */
export interface SqlSagaStoreOptions extends SagaTablesOptions {
  /**
   * The database, as core's `SqlDatabase`: the same object the outbox and inbox use
   * (`createPostgresDatabase` / `createPgliteDatabase` from `@iap/messaging`), or any adapter of
   * your own. The store never closes it.
   */
  database: SqlDatabase;
}

/** @internal True when `value` has the parts of a `SqlDatabase` the store uses. */
export function isSqlDatabase(value: unknown): value is SqlDatabase {
  const candidate = value as Partial<SqlDatabase> | null | undefined;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.query === 'function' && typeof candidate.transaction === 'function';
}

/** @internal The store on `database` with the validated table options; `where` names the factory in errors. */
export function sqlSagaStoreOn(where: string, database: SqlDatabase, options: SagaTablesOptions): SqlSagaStore {
  return buildSqlSagaStore(database, sagaTables(where, options.schema ?? 'public', options.tablePrefix ?? 'iap_'));
}

/**
 * Creates a durable {@link SqlSagaStore} on any core `SqlDatabase`: pass the database adapter your
 * outbox and inbox use, so one pool (or one PGlite instance) serves them all. Same SQL and guarantees
 * as {@link createPostgresSagaStore}: every write is one statement fenced by lease owner and version;
 * `claim` uses `FOR UPDATE SKIP LOCKED`. Call `migrate()` once at start-up.
 *
 * @throws IapError `INVALID_OPTIONS` when `database` is not a `SqlDatabase` or `schema` / `tablePrefix` is not a lower-case identifier.
 * @example
 * ```ts
 * import { createPostgresDatabase } from '@iap/messaging/postgres';
 * import { createSqlSagaStore } from '@iap/resilience/postgres';
 *
 * const db = createPostgresDatabase({ connectionString: process.env.DATABASE_URL });
 * const store = createSqlSagaStore({ database: db });
 * await store.migrate();
 * ```
 */
export function createSqlSagaStore(options: SqlSagaStoreOptions): SqlSagaStore {
  const where = 'createSqlSagaStore()';
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object with a database');
  if (!isSqlDatabase(options.database)) {
    throw invalidOptions(where, 'database must be a SqlDatabase (with query() and transaction()), e.g. createPostgresDatabase({ pool }) from @iap/messaging/postgres');
  }
  return sqlSagaStoreOn(where, options.database, options);
}
