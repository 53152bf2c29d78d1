import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ErrorCode, IapError, type SqlQueryResult, type SqlTransaction } from '@iap/core';
import type { MessagingDatabase } from './executor.js';
import { acquireLockFile, type LockFile } from './internal/lock-file.js';
import { createCoalescingNotifier } from './internal/coalescing-notifier.js';
import { TransactionHandle } from './internal/transaction-handle.js';

/**
 * Options for {@link createPgliteDatabase}.
 * @example
 * ```ts
 * const db = await createPgliteDatabase({ dataDir: './.data/messaging' });
 * ```
 */
export interface PgliteDatabaseOptions {
  /**
   * Directory of the database files (created when missing). Without it the database lives in
   * memory and is gone at `close()`. A `file://` URL or a plain path is locked against other
   * processes; other PGlite URLs (`idb://`, `memory://`) are passed as they are.
   * @defaultValue in memory
   */
  dataDir?: string;
  /**
   * Adopt an existing PGlite instance instead of creating one. The gateway owns it from then on:
   * use it only through the gateway, and `close()` closes it.
   * @defaultValue a new instance on `dataDir`
   */
  pglite?: PGlite;
  /**
   * Guard a filesystem `dataDir` with `<dataDir>.lock` (holding the owner's pid) so a second process
   * fails fast with `STORE_LOCKED` instead of corrupting the files.
   * @defaultValue `true`
   */
  lockFile?: boolean;
}

/**
 * The PGlite gateway: a {@link MessagingDatabase} (core's `SqlDatabase`) that serialises every use of
 * its one PGlite connection. Give the same gateway to every store of the process (outbox, inbox,
 * SQL idempotency store, saga store).
 * @example
 * ```ts
 * const db = await createPgliteDatabase();
 * await db.transaction((tx) => outbox.enqueue(tx, message));
 * await db.close();
 * ```
 */
export interface PgliteDatabase extends MessagingDatabase {
  /** The underlying instance; any use outside the gateway breaks the single-caller guarantee. */
  readonly pglite: PGlite;
}

function filesystemPath(dataDir: string | undefined): string | undefined {
  if (dataDir === undefined) return undefined;
  if (dataDir.startsWith('file://')) return resolve(new URL(dataDir).pathname);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir)) return undefined;
  return resolve(dataDir);
}

/**
 * Opens the embedded default store: PGlite (PostgreSQL in WebAssembly) behind one serialised
 * gateway. PGlite has a single connection, so the gateway runs one statement or one whole
 * transaction at a time: a plain `query` issued while another caller's transaction is open waits
 * for it to finish and never joins it. Calling `db.query` from inside your own `db.transaction`
 * callback would wait for itself: it fails with `STORE_FAILED` instead (use the `tx` argument).
 *
 * Single-process contract: one process (and one gateway) per data directory, enforced with a lock
 * file. For several processes, use PostgreSQL (`@iap/messaging/postgres`): only this factory call changes.
 *
 * @throws IapError `STORE_LOCKED` when another live process (or another gateway in this process)
 *   holds the data directory; `INVALID_OPTIONS` for bad options; `STORE_FAILED` when PGlite fails to start.
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@iap/messaging/pglite';
 * const db = await createPgliteDatabase({ dataDir: './.data/messaging' });
 * await migrate(db);
 * ```
 */
export async function createPgliteDatabase(options: PgliteDatabaseOptions = {}): Promise<PgliteDatabase> {
  if (typeof options !== 'object' || options === null) throw new IapError(ErrorCode.INVALID_OPTIONS, 'invalid PGlite database options: options must be an object');
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir.length === 0)) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'invalid PGlite database options: dataDir must be a non-empty string');
  }
  if (options.pglite !== undefined && options.dataDir !== undefined) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'invalid PGlite database options: give dataDir or pglite, not both');
  }
  const dataDir = options.dataDir ?? options.pglite?.dataDir;
  const path = filesystemPath(dataDir);
  let lock: LockFile | undefined;
  if (path !== undefined && (options.lockFile ?? true)) {
    mkdirSync(dirname(path), { recursive: true });
    lock = acquireLockFile(`${path}.lock`, `the PGlite data directory ${path}`);
  }
  let pglite: PGlite;
  try {
    pglite = options.pglite ?? (await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir }));
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw new IapError(ErrorCode.STORE_FAILED, `PGlite failed to start${path === undefined ? '' : ` on ${path}`} (${(error as Error).message})`, { cause: error });
  }
  return createGateway(pglite, lock);
}

interface TransactionContext {
  active: boolean;
}

function createGateway(pglite: PGlite, lock: LockFile | undefined): PgliteDatabase {
  const context = new AsyncLocalStorage<TransactionContext>();
  let tail: Promise<void> = Promise.resolve();
  let closed = false;
  const closedError = (): IapError => new IapError(ErrorCode.CLOSED, 'the PGlite messaging database is closed');

  /** Runs `fn` alone: after everything queued before it, before everything queued after it. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (context.getStore()?.active) {
      return Promise.reject(
        new IapError(ErrorCode.STORE_FAILED, 'a plain query was issued on the PGlite gateway from inside one of its own transactions, which would wait for itself: use the tx passed to the transaction callback'),
      );
    }
    const previous = tail;
    let done!: () => void;
    tail = new Promise((resolve) => {
      done = resolve;
    });
    return previous.then(fn).finally(done);
  }

  const notifier = createCoalescingNotifier((channel) => (closed ? Promise.resolve() : exclusive(() => pglite.query("SELECT pg_notify($1, '')", [channel]))));

  const gateway: PgliteDatabase = {
    pglite,

    query(sql: string, params?: unknown[]): Promise<SqlQueryResult> {
      if (closed) return Promise.reject(closedError());
      return exclusive(() => pglite.query(sql, params));
    },

    transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(closedError());
      let handle: TransactionHandle | undefined;
      return exclusive(() =>
        pglite.transaction(async (ptx) => {
          handle = new TransactionHandle((sql, params) => ptx.query(sql, params), notifier);
          const ctx: TransactionContext = { active: true };
          try {
            return await context.run(ctx, () => fn(handle!));
          } finally {
            ctx.active = false;
          }
        }),
      ).then(
        (value) => {
          handle?.finish(true, () => undefined);
          return value;
        },
        (error: unknown) => {
          handle?.finish(false, () => undefined);
          throw error;
        },
      );
    },

    async listen(channel: string, callback: () => void): Promise<() => Promise<void>> {
      if (closed) throw closedError();
      const off = await exclusive(() => pglite.listen(channel, () => callback()));
      return async () => {
        if (!closed) await exclusive(() => off()).catch(() => undefined);
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await tail.catch(() => undefined);
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
  return gateway;
}
