import { runMigrations, type SqlDatabase, type SqlMigrationResult } from '@iap/core';
import { sagaMigrationsFor } from './saga-migrations.js';
import type { SagaTables } from './saga-tables.js';

/**
 * What `migrate()` did: core's `SqlMigrationResult` (this name is kept for compatibility).
 *
 * @example
 * ```ts
 * const { applied, version } = await store.migrate();
 * if (applied.length > 0) log.info({ applied, version }, 'saga tables migrated');
 * ```
 */
export type SagaMigrationResult = SqlMigrationResult;

/** A stable 32-bit key (FNV-1a) for the migration advisory lock of one set of tables (unchanged since 0.1.0). */
function lockKey(tables: SagaTables): number {
  let hash = 0x811c9dc5;
  const text = `iap-saga-migrations:${tables.migrations}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * @internal Creates or upgrades the saga tables with core's migration runner: one transaction under
 * an advisory lock, every migration applied once and recorded in `<prefix>saga_migrations`; a
 * schema newer than this package fails with `MIGRATION_FAILED`.
 */
export function migrateSagaTables(database: SqlDatabase, tables: SagaTables): Promise<SagaMigrationResult> {
  return runMigrations(database, {
    component: `the saga tables ${tables.runs.replace('saga_runs', 'saga_*')}`,
    packageName: '@iap/resilience',
    schema: tables.schema,
    migrationsTable: `${tables.prefix}saga_migrations`,
    lockKey: lockKey(tables),
    migrations: sagaMigrationsFor(tables),
    details: { schema: tables.schema, tablePrefix: tables.prefix },
  });
}
