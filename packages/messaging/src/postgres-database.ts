import { ErrorCode, IapError, systemClock, type Clock, type TimerHandle } from '@iap/core';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { MessagingDatabase, SqlQueryResult, TransactionExecutor } from './executor.js';
import { createCoalescingNotifier } from './internal/coalescing-notifier.js';
import { TransactionHandle } from './internal/transaction-handle.js';

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
  pool?: pg.Pool;
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

/**
 * Statement names derived from the statement text (a SHA-1 of it): one text always gets the same
 * name and two texts never share one, also when two copies of this module (its ESM and CJS builds)
 * share a pool; pg refuses a name reused for another text on the same connection. Only the fixed
 * statements of @iap/messaging go through it, so the cache stays small.
 */
const statementNames = new Map<string, string>();

function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `iap_messaging_${createHash('sha1').update(sql).digest('hex')}`;
    statementNames.set(sql, name);
  }
  return name;
}

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `invalid PostgreSQL database options: ${message}`);
}

function ignoreIdleError(): void {
  // an idle pooled client lost its connection: the pool has already discarded it
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A {@link MessagingDatabase} on PostgreSQL through `pg`: plain statements on the pool, transactions
 * on one pooled client, LISTEN on one dedicated client that reconnects (and then wakes its
 * listeners, since notifications may have been missed).
 *
 * @throws IapError `INVALID_OPTIONS` when neither `pool` nor `connectionString` is valid.
 * @example
 * ```ts
 * import { createPostgresDatabase } from '@iap/messaging/postgres';
 * const db = createPostgresDatabase({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 * ```
 */
export function createPostgresDatabase(options: PostgresDatabaseOptions): MessagingDatabase {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const clock = options.clock ?? systemClock;
  const reconnectDelayMs = options.listenReconnectDelayMs ?? 1_000;
  const prepared = options.preparedStatements ?? true;
  if (typeof prepared !== 'boolean') throw invalid('preparedStatements must be a boolean');
  if (!(Number.isFinite(reconnectDelayMs) && reconnectDelayMs >= 0)) throw invalid('listenReconnectDelayMs must be a finite number >= 0');
  let pool: pg.Pool;
  const ownsPool = options.pool === undefined;
  if (options.pool !== undefined) {
    if (typeof options.pool !== 'object' || options.pool === null || typeof options.pool.connect !== 'function') throw invalid('pool must be a pg.Pool');
    pool = options.pool;
    // pg emits an idle client's connection loss (server restart, terminated backend) as the pool's
    // 'error' event, which ends the process when nobody listens; the next query reconnects anyway
    if (pool.listenerCount('error') === 0) pool.on('error', ignoreIdleError);
  } else {
    if (typeof options.connectionString !== 'string' || options.connectionString.length === 0) throw invalid('give pool or a non-empty connectionString');
    const max = options.maxConnections ?? 10;
    if (!Number.isInteger(max) || max < 1) throw invalid('maxConnections must be an integer >= 1');
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 0) throw invalid('connectTimeoutMs must be an integer >= 0');
    pool = new pg.Pool({ connectionString: options.connectionString, max, connectionTimeoutMillis: connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    // an idle client's error (server restart) must not crash the process; the next query reconnects
    pool.on('error', ignoreIdleError);
  }

  let closed = false;
  const closedError = (): IapError => new IapError(ErrorCode.CLOSED, 'the PostgreSQL messaging database is closed');
  const notifier = createCoalescingNotifier((channel) => (closed ? Promise.resolve() : pool.query("SELECT pg_notify($1, '')", [channel])));

  // LISTEN state: one dedicated client for every channel
  const channels = new Map<string, Set<() => void>>();
  let listener: pg.PoolClient | undefined;
  let connecting: Promise<void> | undefined;
  let reconnectTimer: TimerHandle | undefined;

  const notifyAll = (): void => {
    for (const set of channels.values()) for (const callback of set) callback();
  };

  const onNotification = (message: pg.Notification): void => {
    const set = channels.get(message.channel);
    if (set) for (const callback of set) callback();
  };

  function dropListener(client: pg.PoolClient, error?: Error): void {
    client.removeListener('notification', onNotification);
    client.removeAllListeners('error');
    client.release(error ?? true);
    if (listener === client) listener = undefined;
  }

  function scheduleReconnect(): void {
    if (closed || channels.size === 0 || reconnectTimer !== undefined) return;
    reconnectTimer = clock.setTimeout(() => {
      reconnectTimer = undefined;
      ensureListener()
        .then(notifyAll)
        .catch(() => scheduleReconnect());
    }, reconnectDelayMs);
  }

  function ensureListener(): Promise<void> {
    if (listener) return Promise.resolve();
    connecting ??= (async () => {
      const client = await pool.connect();
      client.on('notification', onNotification);
      client.on('error', (error: Error) => {
        dropListener(client, error);
        scheduleReconnect();
      });
      try {
        for (const channel of channels.keys()) await client.query(`LISTEN "${channel}"`);
      } catch (error) {
        dropListener(client, error as Error);
        throw error;
      }
      listener = client;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  return {
    query(sql: string, params?: unknown[]): Promise<SqlQueryResult> {
      if (closed) return Promise.reject(closedError());
      return pool.query(sql, params);
    },

    queryPrepared(sql: string, params: unknown[]): Promise<SqlQueryResult> {
      if (closed) return Promise.reject(closedError());
      return prepared ? pool.query({ name: statementName(sql), text: sql, values: params }) : pool.query(sql, params);
    },

    async transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
      if (closed) throw closedError();
      const client = await pool.connect();
      let broken: Error | undefined;
      // a checked-out client has no 'error' listener of the pool's: without this one, a backend
      // terminated mid-transaction (pg_terminate_backend, a server restart) raises an unhandled
      // 'error' event and ends the process. The failing query rejects on its own; the client is
      // discarded on release.
      const onClientError = (error: Error): void => {
        broken ??= error;
      };
      client.on('error', onClientError);
      const tx = new TransactionHandle((sql, params) => client.query(sql, params), notifier);
      try {
        await client.query('BEGIN');
        let result: T;
        try {
          result = await fn(tx);
        } catch (error) {
          tx.finish(false, () => undefined);
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          throw error;
        }
        try {
          await client.query('COMMIT');
        } catch (error) {
          tx.finish(false, () => undefined);
          throw error;
        }
        tx.finish(true, () => undefined);
        return result;
      } finally {
        client.removeListener('error', onClientError);
        client.release(broken);
      }
    },

    async listen(channel: string, callback: () => void): Promise<() => Promise<void>> {
      if (closed) throw closedError();
      if (!CHANNEL.test(channel)) throw new IapError(ErrorCode.VALIDATION, `listen: channel must be a lowercase SQL identifier, got ${JSON.stringify(channel.slice(0, 80))}`);
      let set = channels.get(channel);
      const isNew = set === undefined;
      if (!set) channels.set(channel, (set = new Set()));
      set.add(callback);
      try {
        if (listener && isNew) await listener.query(`LISTEN "${channel}"`);
        else await ensureListener();
      } catch {
        // the backup poll covers the gap; keep trying in the background
        scheduleReconnect();
      }
      return async () => {
        const current = channels.get(channel);
        if (!current) return;
        current.delete(callback);
        if (current.size > 0) return;
        channels.delete(channel);
        const client = listener;
        if (!client) return;
        if (channels.size === 0) dropListener(client);
        else await client.query(`UNLISTEN "${channel}"`).catch(() => undefined);
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (reconnectTimer !== undefined) clock.clearTimeout(reconnectTimer);
      await connecting?.catch(() => undefined);
      channels.clear();
      if (listener) dropListener(listener);
      if (ownsPool) await pool.end();
    },
  };
}
