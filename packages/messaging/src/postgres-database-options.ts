/**
 * The options of `createPostgresDatabase`, their defaults and validation, and the `pg` pool they
 * name (given, or created from a connection string).
 */
import { ErrorCode, IapError, systemClock, type Clock } from '@iap/core';
import type { Pool } from 'pg';
import { loadPg } from './postgres/load-pg.js';

/**
 * Options for {@link createPostgresDatabase}: give either `pool` or `connectionString`.
 * @example
 * ```ts
 * const db = createPostgresDatabase({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * ```
 */
export interface PostgresDatabaseOptions {
  /**
   * Use this `pg` pool. It is not ended by `close()` (you own it). When it has no `'error'`
   * listener, one is added that ignores idle clients' connection errors: `pg` would otherwise end
   * the process when the server restarts or a backend is terminated.
   * @defaultValue none: a pool is created from `connectionString`
   */
  pool?: Pool;
  /** Create a pool for this URL (ended by `close()`). @defaultValue none: `pool` or `connectionString` is required */
  connectionString?: string;
  /** Pool size when the pool is created from `connectionString`. @defaultValue `10` */
  maxConnections?: number;
  /**
   * When the pool is created from `connectionString`: longest wait for a new connection (TCP connect
   * and startup); `0` waits forever. Without a bound, a database that accepts connections but never
   * answers (a black-holed network path) stalls every caller. TCP keepalive is also switched on
   * (first probe after 10 s idle). For a pool you pass, set `connectionTimeoutMillis` and
   * `keepAlive` on it yourself.
   * @defaultValue `10_000`
   */
  connectTimeoutMs?: number;
  /** Delay before the LISTEN connection reconnects after an error. @defaultValue `1_000` */
  listenReconnectDelayMs?: number;
  /**
   * Runs the relay's repeated statements (claim, acknowledge, retry, release) as named prepared
   * statements, parsed and planned once per connection. Set `false` when connections go through a
   * pooler that cannot keep prepared statements across transactions (PgBouncer in transaction mode
   * before 1.21, or without `max_prepared_statements`).
   * @defaultValue `true`
   */
  preparedStatements?: boolean;
  /** @defaultValue `systemClock` */
  clock?: Clock;
}

/** Options with every default applied, and the pool to use. */
export interface ResolvedPostgresDatabaseOptions {
  readonly pool: Pool;
  /** Whether the pool was created here (and is ended by `close()`). */
  readonly ownsPool: boolean;
  readonly clock: Clock;
  readonly listenReconnectDelayMs: number;
  readonly preparedStatements: boolean;
}

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `invalid PostgreSQL database options: ${message}`);
}

function ignoreIdleError(): void {
  // an idle pooled client lost its connection: the pool has already discarded it
}

/** The pool the options name: the one given (with an idle-error listener when it has none), or a new one. */
function resolvePool(options: PostgresDatabaseOptions): Pool {
  if (options.pool !== undefined) {
    if (typeof options.pool !== 'object' || options.pool === null || typeof options.pool.connect !== 'function') throw invalid('pool must be a pg.Pool');
    const pool = options.pool;
    // pg emits an idle client's connection loss (server restart, terminated backend) as the pool's
    // 'error' event, which ends the process when nobody listens; the next query reconnects anyway
    if (pool.listenerCount('error') === 0) pool.on('error', ignoreIdleError);
    return pool;
  }
  if (typeof options.connectionString !== 'string' || options.connectionString.length === 0) throw invalid('give pool or a non-empty connectionString');
  const max = options.maxConnections ?? 10;
  if (!Number.isInteger(max) || max < 1) throw invalid('maxConnections must be an integer >= 1');
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 0) throw invalid('connectTimeoutMs must be an integer >= 0');
  const pg = loadPg('createPostgresDatabase({ connectionString })');
  const pool = new pg.Pool({ connectionString: options.connectionString, max, connectionTimeoutMillis: connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  // an idle client's error (server restart) must not crash the process; the next query reconnects
  pool.on('error', ignoreIdleError);
  return pool;
}

/**
 * Validates the options and applies defaults; creates the pool from `connectionString` when no
 * `pool` is given.
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 */
export function resolvePostgresDatabaseOptions(options: PostgresDatabaseOptions): ResolvedPostgresDatabaseOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const clock = options.clock ?? systemClock;
  const listenReconnectDelayMs = options.listenReconnectDelayMs ?? 1_000;
  const preparedStatements = options.preparedStatements ?? true;
  if (typeof preparedStatements !== 'boolean') throw invalid('preparedStatements must be a boolean');
  if (!(Number.isFinite(listenReconnectDelayMs) && listenReconnectDelayMs >= 0)) throw invalid('listenReconnectDelayMs must be a finite number >= 0');
  return { pool: resolvePool(options), ownsPool: options.pool === undefined, clock, listenReconnectDelayMs, preparedStatements };
}
