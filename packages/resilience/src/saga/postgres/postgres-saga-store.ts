import type { SqlDatabase } from '@iap/core';
import { invalidOptions } from '../saga-errors.js';
import { wrapPgPool, type PgPoolLike } from './bare-driver-database.js';
import { isSqlDatabase, sqlSagaStoreOn, type SagaTablesOptions } from './create-sql-saga-store.js';
import type { SqlSagaStore } from './sql-saga-store.js';

/**
 * Options of {@link createPostgresSagaStore}: give `database` (recommended) or `pool`.
 *
 * @example
 * ```ts
 * createPostgresSagaStore({ database: createPostgresDatabase({ pool }), schema: 'orders', tablePrefix: 'iap_' });
 * ```
 */
export interface PostgresSagaStoreOptions extends SagaTablesOptions {
  /**
   * The database as core's `SqlDatabase`, e.g. `createPostgresDatabase({ pool })` from
   * `@iap/messaging/postgres`: the same object the outbox and inbox use, so one pool serves them all.
   * @defaultValue none: `database` or `pool` is required
   */
  database?: SqlDatabase;
  /**
   * A bare `pg.Pool`, wrapped in a minimal `SqlDatabase` (the store never ends it: the pool is
   * yours). When it has no `'error'` listener, one is added that ignores idle clients' connection
   * errors (pg would otherwise end the process when the server restarts); a connection that dies
   * inside a store transaction fails that call with a retryable `STORE_FAILED` and is discarded.
   * @defaultValue none: `database` or `pool` is required
   */
  pool?: PgPoolLike;
}

/** The event-emitter part of a `pg.Pool`. */
interface PoolEvents {
  listenerCount(event: 'error'): number;
  on(event: 'error', listener: () => void): unknown;
}

function ignoreIdleError(): void {
  // an idle pooled client lost its connection: the pool has already discarded it
}

/** A bare pool as a `SqlDatabase`, with an idle-error listener when it has none. */
function poolDatabase(where: string, pool: unknown): SqlDatabase {
  const candidate = pool as Partial<PgPoolLike> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.query !== 'function' || typeof candidate.connect !== 'function') {
    throw invalidOptions(where, 'pool must be a pg.Pool (an object with query() and connect())');
  }
  // pg emits an idle client's connection loss (server restart, terminated backend) as the pool's
  // 'error' event, which ends the process when nobody listens; the next query reconnects anyway
  const emitter = pool as Partial<PoolEvents>;
  if (typeof emitter.listenerCount === 'function' && typeof emitter.on === 'function' && emitter.listenerCount('error') === 0) emitter.on('error', ignoreIdleError);
  return wrapPgPool(pool as PgPoolLike);
}

/**
 * Creates a durable {@link SagaStore} in PostgreSQL, on core's `SqlDatabase` (`database`) or a bare
 * `pg` pool (`pool`). Call `migrate()` once at start-up (idempotent, safe from several processes).
 * Every write is one statement, fenced by lease owner and version; `claim` uses
 * `FOR UPDATE SKIP LOCKED`, so any number of workers can resume sagas from the same tables.
 *
 * @throws IapError `INVALID_OPTIONS` when neither (or both) of `database` and `pool` is given, either is of the wrong kind, or `schema` / `tablePrefix` is not a lower-case identifier.
 * @example
 * ```ts
 * import { createPostgresDatabase } from '@iap/messaging/postgres';
 * import { createPostgresSagaStore } from '@iap/resilience/postgres';
 *
 * const db = createPostgresDatabase({ connectionString: process.env.DATABASE_URL });
 * const store = createPostgresSagaStore({ database: db }); // the outbox and inbox use the same db
 * await store.migrate();
 * ```
 */
export function createPostgresSagaStore(options: PostgresSagaStoreOptions): SqlSagaStore {
  const where = 'createPostgresSagaStore()';
  if (typeof options !== 'object' || options === null) throw invalidOptions(where, 'options must be an object with a database or a pool');
  if ((options.database === undefined) === (options.pool === undefined)) throw invalidOptions(where, 'give database (a SqlDatabase, e.g. createPostgresDatabase({ pool })) or pool, exactly one');
  if (options.database !== undefined && !isSqlDatabase(options.database)) throw invalidOptions(where, 'database must be a SqlDatabase (with query() and transaction())');
  return sqlSagaStoreOn(where, options.database ?? poolDatabase(where, options.pool), options);
}
