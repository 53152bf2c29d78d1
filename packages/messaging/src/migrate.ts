import { runMigrations, type SqlMigrationResult } from '@iap/core';
import { checkDatabase } from './internal/argument-checks.js';
import type { MessagingDatabase } from './executor.js';
import { migrationsFor } from './internal/migration-sql.js';
import { resolveTableNames } from './internal/table-names.js';
import type { MessagingTablesOptions } from './tables.js';

/**
 * What {@link migrate} did: core's `SqlMigrationResult` (this name is kept for compatibility).
 * @example
 * ```ts
 * const { applied, version } = await migrate(db);
 * if (applied.length > 0) logger.info({ version }, 'messaging tables migrated');
 * ```
 */
export type MigrationResult = SqlMigrationResult;

/**
 * Creates or upgrades the outbox and inbox tables (and the schema, when missing) to the newest
 * version this package ships, with core's migration runner (`runMigrations`). Idempotent, and safe
 * to call from many processes at once: it runs in one transaction under a transaction-scoped
 * advisory lock, so concurrent callers apply each migration exactly once and the others see it
 * done. Applied versions are recorded in `<schema>.<prefix>migrations`.
 *
 * @throws IapError `INVALID_OPTIONS` for a bad schema or table prefix, or a database that is not a
 *   MessagingDatabase; `MIGRATION_FAILED` when a statement fails (nothing is applied: the
 *   transaction rolls back) or when the database holds a newer schema version than this package knows.
 * @example
 * ```ts
 * const db = await createPgliteDatabase({ dataDir: './.data/outbox' });
 * await migrate(db, { schema: 'messaging' }); // { applied: [1, 2, 3], version: 3 } the first time
 * ```
 */
export async function migrate(db: MessagingDatabase, options: MessagingTablesOptions = {}): Promise<MigrationResult> {
  checkDatabase('migrate', db);
  const names = resolveTableNames(options);
  return runMigrations(db, {
    component: `the messaging tables in schema "${names.schema}" (prefix "${names.tablePrefix}")`,
    packageName: '@iap/messaging',
    schema: names.schema,
    migrationsTable: `${names.tablePrefix}migrations`,
    lockKey: names.lockNamespace,
    migrations: migrationsFor(names),
    details: { schema: names.schema, tablePrefix: names.tablePrefix },
  });
}
