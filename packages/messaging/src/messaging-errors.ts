import { ErrorCode, hasErrorCode, type IapError } from '@iap/core';

/**
 * True when `error` says the embedded store's data directory is held by another process
 * (code `STORE_LOCKED`).
 *
 * @example
 * ```ts
 * try { await createPgliteDatabase({ dataDir }); } catch (e) { if (isStoreLockedError(e)) process.exit(1); }
 * ```
 */
export function isStoreLockedError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.STORE_LOCKED);
}

/**
 * True when a database or store operation failed (code `STORE_FAILED`); check `retryable`.
 *
 * @example
 * ```ts
 * if (isStoreFailedError(e) && e.retryable) retryLater();
 * ```
 */
export function isStoreFailedError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.STORE_FAILED);
}

/**
 * True when `migrate` failed or found a newer schema (code `MIGRATION_FAILED`).
 *
 * @example
 * ```ts
 * try { await migrate(db); } catch (e) { if (isMigrationFailedError(e)) console.error(e.message); }
 * ```
 */
export function isMigrationFailedError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.MIGRATION_FAILED);
}
