/**
 * The one schema-migration runner of @iap: every package with SQL tables (messaging's outbox and
 * inbox, the saga store) keeps its own versioned migrations and its own migrations table, and runs
 * them through {@link runMigrations}.
 */
import { ErrorCode } from '../error-codes.js';
import { IapError } from '../iap-error.js';
import type { SqlDatabase, SqlTransaction } from './sql-database.js';

/**
 * One versioned migration: `sql` (one statement, or several run in order) or `up` (code run in the
 * migration's transaction). Never edit a released migration: add a new version.
 * @example
 * ```ts
 * const migration: SqlMigration = { version: 1, name: 'orders table', sql: ['CREATE TABLE "app"."orders" (id text PRIMARY KEY)'] };
 * ```
 */
export interface SqlMigration {
  /** 1, 2, 3, ...: applied in ascending order, each once, recorded in the migrations table. */
  readonly version: number;
  readonly name: string;
  /** The statements, one per entry. Give this or `up`. */
  readonly sql?: string | readonly string[];
  /** Runs the migration in the migrations transaction. Give this or `sql`. */
  readonly up?: (tx: SqlTransaction) => Promise<void>;
}

/**
 * Options of {@link runMigrations}.
 * @example
 * ```ts
 * const options: RunMigrationsOptions = { component: 'the app tables', packageName: 'my-app', schema: 'app', migrationsTable: 'app_migrations', lockKey: 4242, migrations };
 * ```
 */
export interface RunMigrationsOptions {
  /** What the tables are, for messages: `the messaging tables in schema "app"`. */
  readonly component: string;
  /** The package that ships the migrations, named in the "upgrade" hint: `@iap/messaging`. */
  readonly packageName: string;
  /** Schema of the migrations table; created when missing. */
  readonly schema: string;
  /** Unqualified name of the table that records applied versions (`version`, `name`, `applied_at`). */
  readonly migrationsTable: string;
  /** Key of the transaction-scoped advisory lock that serialises concurrent runners (a safe integer). */
  readonly lockKey: number;
  /** Every migration the package ships. */
  readonly migrations: readonly SqlMigration[];
  /** Added to the `details` of a `MIGRATION_FAILED` error. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * What {@link runMigrations} did.
 * @example
 * ```ts
 * const { applied, version } = await runMigrations(db, options);
 * ```
 */
export interface SqlMigrationResult {
  /** Versions applied by this call, in order (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The schema version after the call. */
  readonly version: number;
}

const IDENTIFIER_MAX = 63;

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `runMigrations: ${message}`);
}

function quoteIdentifier(what: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > IDENTIFIER_MAX) throw invalid(`${what} must be a SQL identifier of 1 to ${IDENTIFIER_MAX} characters`);
  return `"${name.replaceAll('"', '""')}"`;
}

function checkMigrations(migrations: unknown): readonly SqlMigration[] {
  if (!Array.isArray(migrations)) throw invalid('migrations must be an array');
  let previous = 0;
  for (const migration of migrations as SqlMigration[]) {
    const version = migration?.version;
    if (!Number.isInteger(version) || version <= previous) throw invalid(`migration versions must be integers >= 1 in ascending order (got ${String(version)} after ${previous})`);
    if ((migration.sql === undefined) === (migration.up === undefined)) throw invalid(`migration ${version} must have sql or up, not both`);
    previous = version;
  }
  return migrations as readonly SqlMigration[];
}

/** A value-free description of a driver error: its SQLSTATE and message. */
function describeError(error: unknown): string {
  if (IapError.isInstance(error)) return `${error.code}: ${error.message}`;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : `a non-Error value of type ${typeof error}`;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? `SQLSTATE ${code}: ${message}` : message;
}

async function apply(tx: SqlTransaction, migration: SqlMigration): Promise<void> {
  if (migration.up !== undefined) {
    await migration.up(tx);
    return;
  }
  const statements = typeof migration.sql === 'string' ? [migration.sql] : (migration.sql ?? []);
  for (const statement of statements) await tx.query(statement);
}

/**
 * Creates or upgrades a package's tables to the newest version it ships. Idempotent, and safe to
 * call from many processes at once: it runs in one transaction under a transaction-scoped advisory
 * lock (`lockKey`), so concurrent callers apply each migration exactly once and the others see it
 * done. The schema is created when missing (checked first, so a role without `CREATE` on the
 * database can migrate inside an existing schema). Applied versions are recorded in
 * `migrationsTable` (`version integer PRIMARY KEY, name text, applied_at timestamptz`).
 *
 * @throws IapError `INVALID_OPTIONS` for bad options; `MIGRATION_FAILED` when a statement fails
 *   (nothing is applied: the transaction rolls back) or when the table records a version newer than
 *   the newest of `migrations` (the database was migrated by a newer release).
 * @example
 * ```ts
 * await runMigrations(db, {
 *   component: 'the app tables', packageName: 'my-app', schema: 'app', migrationsTable: 'app_migrations', lockKey: 4242,
 *   migrations: [{ version: 1, name: 'orders', sql: 'CREATE TABLE IF NOT EXISTS "app"."orders" (id text PRIMARY KEY)' }],
 * });
 * ```
 */
export async function runMigrations(db: SqlDatabase, options: RunMigrationsOptions): Promise<SqlMigrationResult> {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  if (typeof db?.transaction !== 'function') throw invalid('db must be a SqlDatabase (with transaction())');
  const schema = quoteIdentifier('schema', options.schema);
  const table = `${schema}.${quoteIdentifier('migrationsTable', options.migrationsTable)}`;
  if (!Number.isSafeInteger(options.lockKey)) throw invalid('lockKey must be a safe integer');
  const migrations = checkMigrations(options.migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const details = options.details ?? {};
  try {
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [options.lockKey]);
      const existing = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [options.schema]);
      if (existing.rows.length === 0) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await tx.query(`SELECT version FROM ${table}`);
      const done = new Set(rows.map((row) => Number((row as { version: unknown }).version)));
      const newest = Math.max(0, ...done);
      if (newest > latest) {
        throw new IapError(ErrorCode.MIGRATION_FAILED, `${options.component} are at schema version ${newest}, newer than this package's ${latest}: upgrade ${options.packageName}`, {
          details: { ...details, version: newest, latest },
        });
      }
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await apply(tx, migration);
        await tx.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        applied.push(migration.version);
      }
      return { applied, version: Math.max(newest, ...applied) };
    });
  } catch (error) {
    if (IapError.isInstance(error) && error.code === ErrorCode.MIGRATION_FAILED) throw error;
    throw new IapError(ErrorCode.MIGRATION_FAILED, `migrating ${options.component} failed (${describeError(error)}); nothing was applied`, { cause: error, details });
  }
}
