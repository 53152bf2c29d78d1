import { ErrorCode, IapError } from '@iap/core';
import { SAGA_MIGRATIONS, SAGA_SCHEMA_VERSION } from './saga-migrations.js';
import { toNumber } from './sql-saga-rows.js';
import type { SagaTables } from './saga-tables.js';
import type { SqlExecutor } from './sql-executor.js';

/**
 * What `migrate()` did.
 *
 * @example
 * ```ts
 * const { applied, version } = await store.migrate();
 * if (applied.length > 0) log.info({ applied, version }, 'saga tables migrated');
 * ```
 */
export interface SagaMigrationResult {
  /** Versions applied by this call (empty when the schema was up to date). */
  readonly applied: readonly number[];
  /** The schema version after the call. */
  readonly version: number;
}

/** A stable 32-bit key (FNV-1a) for the migration advisory lock of one set of tables. */
function lockKey(tables: SagaTables): number {
  let hash = 0x811c9dc5;
  const text = `iap-saga-migrations:${tables.migrations}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * @internal Creates or upgrades the saga tables in one transaction under an advisory lock: every
 * migration applied once and recorded; a schema newer than this package fails with `MIGRATION_FAILED`.
 */
export async function migrateSagaTables(executor: SqlExecutor, tables: SagaTables): Promise<SagaMigrationResult> {
  try {
    return await executor.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(tables)]);
      const schema = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tables.schema]);
      if (schema.rows.length === 0) await tx.query(`CREATE SCHEMA ${tables.quotedSchema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${tables.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await tx.query(`SELECT version FROM ${tables.migrations}`);
      const done = new Set(rows.map((r) => toNumber((r as { version: unknown }).version)));
      const newest = Math.max(0, ...done);
      if (newest > SAGA_SCHEMA_VERSION) {
        throw new IapError(
          ErrorCode.MIGRATION_FAILED,
          `saga store: the schema in ${tables.migrations} is at version ${newest}, newer than this package knows (${SAGA_SCHEMA_VERSION}); upgrade @iap/resilience`,
          { details: { schemaVersion: newest, packageVersion: SAGA_SCHEMA_VERSION } },
        );
      }
      const applied: number[] = [];
      for (const migration of SAGA_MIGRATIONS) {
        if (done.has(migration.version)) continue;
        for (const statement of migration.statements(tables)) await tx.query(statement);
        await tx.query(`INSERT INTO ${tables.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        applied.push(migration.version);
      }
      return { applied, version: Math.max(newest, ...applied) };
    });
  } catch (error) {
    if (IapError.isInstance(error) && error.code === ErrorCode.MIGRATION_FAILED) throw error;
    throw new IapError(ErrorCode.MIGRATION_FAILED, `saga store: migrating ${tables.schema} failed: ${error instanceof Error ? error.message : 'unknown error'}`, {
      cause: error,
      details: { schema: tables.schema },
    });
  }
}
