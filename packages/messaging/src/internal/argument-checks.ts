/**
 * The checks on the first argument of outbox, inbox and migration calls, with the fix in the
 * message: these are the mistakes that otherwise surface far away, as "db.transaction is not a
 * function" or a `STORE_FAILED` from inside the SQL call.
 */
import { ErrorCode, IapError } from '@iap/core';
import type { MessagingDatabase, SqlExecutor } from '../executor.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Throws `INVALID_OPTIONS` unless `tx` can run queries (a transaction or database of @iap/messaging). */
export function checkExecutor(where: string, tx: unknown): asserts tx is SqlExecutor {
  if (isObject(tx) && typeof tx.query === 'function') return;
  throw new IapError(
    ErrorCode.INVALID_OPTIONS,
    `${where}: the first argument must be the transaction your business write runs in (got ${tx === null ? 'null' : typeof tx}): write db.transaction((tx) => ${where}(tx, ...))`,
  );
}

/** Throws `INVALID_OPTIONS` unless `db` is a MessagingDatabase, naming the adapter to wrap a bare pool or PGlite in. */
export function checkDatabase(where: string, db: unknown): asserts db is MessagingDatabase {
  if (isObject(db) && typeof db.query === 'function' && typeof db.transaction === 'function' && typeof db.close === 'function') return;
  if (isObject(db) && typeof db.connect === 'function' && typeof db.query === 'function') {
    throw new IapError(
      ErrorCode.INVALID_OPTIONS,
      `${where}: got a pg pool; wrap it: ${where}(createPostgresDatabase({ pool })) with createPostgresDatabase from "@iap/messaging/postgres"`,
    );
  }
  if (isObject(db) && typeof db.query === 'function' && typeof db.transaction === 'function') {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: got a PGlite instance or another client; wrap it: createPgliteDatabase({ pglite }) from "@iap/messaging/pglite"`);
  }
  throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: the first argument must be a MessagingDatabase from createPostgresDatabase or createPgliteDatabase`);
}
