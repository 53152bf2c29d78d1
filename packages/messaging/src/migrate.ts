import { checkDatabase } from './internal/argument-checks.js';
import { ErrorCode, IapError } from '@iap/core';
import type { MessagingDatabase } from './executor.js';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from './internal/migration-sql.js';
import { describeDatabaseError } from './internal/database-error.js';
import { resolveTableNames } from './internal/table-names.js';
import type { MessagingTablesOptions } from './tables.js';

/**
 * What {@link migrate} did.
 * @example
 * ```ts
 * const { applied, version } = await migrate(db);
 * if (applied.length > 0) logger.info({ version }, 'messaging tables migrated');
 * ```
 */
export interface MigrationResult {
  /** Versions applied by this call, in order (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The schema version after the call. */
  readonly version: number;
}

/**
 * Creates or upgrades the outbox and inbox tables (and the schema, when missing) to the newest
 * version this package ships. Idempotent, and safe to call from many processes at once: it runs in
 * one transaction under a transaction-scoped advisory lock, so concurrent callers apply each
 * migration exactly once and the others see it done.
 *
 * @throws IapError `INVALID_OPTIONS` for a bad schema or table prefix; `MIGRATION_FAILED` when a
 *   statement fails (nothing is applied: the transaction rolls back) or when the database holds a
 *   newer schema version than this package knows.
 * @example
 * ```ts
 * const db = await createPgliteDatabase({ dataDir: './.data/outbox' });
 * await migrate(db, { schema: 'messaging' }); // { applied: [1, 2, 3], version: 3 } the first time
 * ```
 */
export async function migrate(db: MessagingDatabase, options: MessagingTablesOptions = {}): Promise<MigrationResult> {
  checkDatabase('migrate', db);
  const names = resolveTableNames(options);
  try {
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [names.lockNamespace]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${names.quotedSchema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${names.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const current = await tx.query(`SELECT coalesce(max(version), 0) AS version FROM ${names.migrations}`);
      const version = Number((current.rows[0] as { version: number | string } | undefined)?.version ?? 0);
      if (version > LATEST_SCHEMA_VERSION) {
        throw new IapError(
          ErrorCode.MIGRATION_FAILED,
          `the messaging tables in schema "${names.schema}" (prefix "${names.tablePrefix}") are at version ${version}, newer than this package's ${LATEST_SCHEMA_VERSION}: upgrade @iap/messaging`,
          { details: { schema: names.schema, version, latest: LATEST_SCHEMA_VERSION } },
        );
      }
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (migration.version <= version) continue;
        for (const statement of migration.statements(names)) await tx.query(statement);
        await tx.query(`INSERT INTO ${names.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        applied.push(migration.version);
      }
      return { applied, version: Math.max(version, LATEST_SCHEMA_VERSION) };
    });
  } catch (error) {
    if (IapError.isInstance(error) && error.code === ErrorCode.MIGRATION_FAILED) throw error;
    throw new IapError(ErrorCode.MIGRATION_FAILED, `migrating the messaging tables in schema "${names.schema}" failed (${describeDatabaseError(error)}); nothing was applied`, {
      cause: error,
      details: { schema: names.schema, tablePrefix: names.tablePrefix },
    });
  }
}
