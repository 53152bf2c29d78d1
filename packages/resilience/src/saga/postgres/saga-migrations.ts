import type { SqlMigration } from '@iap/core';
import { sagaTables, type SagaTables } from './saga-tables.js';

/** One versioned schema migration of the SQL saga stores, for any table names. */
export interface SagaMigration {
  /** 1, 2, 3, ...: applied in order, each once, recorded in the migrations table. */
  readonly version: number;
  readonly name: string;
  /** The statements, one per entry, for the given table names. */
  readonly statements: (tables: SagaTables) => readonly string[];
}

/**
 * @internal The migrations of the saga tables, shipped in the package (not as .sql files, so
 * bundlers keep them). Never edit a released migration: add a new version.
 */
export const SAGA_MIGRATIONS: readonly SagaMigration[] = Object.freeze([
  {
    version: 1,
    name: 'create saga runs and checkpoint log',
    statements: (t: SagaTables) => [
      `CREATE TABLE IF NOT EXISTS ${t.runs} (
  saga_id text COLLATE "C" PRIMARY KEY,
  saga_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'compensating', 'completed', 'compensated', 'failed', 'compensation_failed', 'resolved')),
  input_json text NOT NULL,
  version bigint NOT NULL,
  lease_owner text,
  lease_expires_at bigint,
  deadline_at bigint,
  failure_json text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
)`,
      `CREATE INDEX IF NOT EXISTS "${t.prefix}saga_runs_claim_idx" ON ${t.runs} (saga_name, updated_at) WHERE status IN ('running', 'compensating')`,
      `CREATE INDEX IF NOT EXISTS "${t.prefix}saga_runs_status_idx" ON ${t.runs} (status, saga_id)`,
      `CREATE TABLE IF NOT EXISTS ${t.checkpoints} (
  saga_id text COLLATE "C" NOT NULL REFERENCES ${t.runs} (saga_id) ON DELETE CASCADE,
  seq integer NOT NULL,
  kind text NOT NULL,
  step text,
  result_json text,
  error_json text,
  attempts integer,
  note text,
  at bigint NOT NULL,
  PRIMARY KEY (saga_id, seq)
)`,
    ],
  },
]);

/**
 * The newest saga-store schema version this package knows (`migrate()` brings the tables to it).
 *
 * @example
 * ```ts
 * const { version } = await store.migrate(); // version === SAGA_SCHEMA_VERSION
 * ```
 */
export const SAGA_SCHEMA_VERSION: number = SAGA_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** @internal The saga migrations for one set of tables, as core's migration runner takes them. */
export function sagaMigrationsFor(tables: SagaTables): readonly SqlMigration[] {
  return SAGA_MIGRATIONS.map((migration) => ({ version: migration.version, name: migration.name, sql: migration.statements(tables) }));
}

/**
 * Options of {@link sagaMigrationSql}.
 *
 * @example
 * ```ts
 * sagaMigrationSql({ schema: 'orders', tablePrefix: 'iap_' });
 * ```
 */
export interface SagaMigrationSqlOptions {
  /** @defaultValue `'public'` */
  schema?: string;
  /** @defaultValue `'iap_'` */
  tablePrefix?: string;
}

/**
 * The SQL of every saga-store migration, for teams that apply migrations with their own tool
 * (Flyway, Atlas, node-pg-migrate). `store.migrate()` runs the same statements and records each
 * version in `<prefix>saga_migrations`.
 *
 * @throws IapError `INVALID_OPTIONS` for an invalid schema or prefix.
 * @example
 * ```ts
 * for (const m of sagaMigrationSql({ schema: 'orders' })) writeFileSync(`V${m.version}__saga.sql`, m.statements.join(';\n') + ';\n');
 * ```
 */
export function sagaMigrationSql(options: SagaMigrationSqlOptions = {}): Array<{ version: number; name: string; statements: string[] }> {
  const tables = sagaTables('sagaMigrationSql()', options.schema ?? 'public', options.tablePrefix ?? 'iap_');
  return SAGA_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, statements: [...m.statements(tables)] }));
}
