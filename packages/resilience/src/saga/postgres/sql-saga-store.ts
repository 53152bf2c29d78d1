import { ErrorCode, IapError } from '@iap/core';
import { leaseLostError } from '../saga-errors.js';
import { isSagaStatus } from '../saga-status.js';
import type {
  SagaAcquireInput,
  SagaAcquireResult,
  SagaCheckpoint,
  SagaCheckpointKind,
  SagaCheckpointWrite,
  SagaClaimInput,
  SagaCreateInput,
  SagaCreateResult,
  SagaListQuery,
  SagaPurgeInput,
  SagaRecord,
  SagaStore,
  SagaSummary,
} from '../saga-store.js';
import { SAGA_MIGRATIONS, SAGA_SCHEMA_VERSION } from './saga-migrations.js';
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

/**
 * A {@link SagaStore} in PostgreSQL (or PGlite), with its schema migrations.
 *
 * @example
 * ```ts
 * const store = createPostgresSagaStore({ pool });
 * await store.migrate();
 * await pool.query(`SELECT saga_id, status FROM ${store.tables.runs} WHERE status = 'compensation_failed'`);
 * ```
 */
export interface SqlSagaStore extends SagaStore {
  /**
   * Creates or upgrades the saga tables: idempotent, safe to call from several processes at once
   * (an advisory lock serialises them), every version applied once and recorded.
   *
   * @throws IapError `MIGRATION_FAILED` when a statement fails or the schema is newer than this package.
   */
  migrate(): Promise<SagaMigrationResult>;
  /** The schema-qualified, quoted table names (for operators' queries). */
  readonly tables: { readonly runs: string; readonly checkpoints: string; readonly migrations: string };
}

const RUN_COLUMNS = 'saga_id, saga_name, status, version, lease_owner, lease_expires_at, deadline_at, failure_json, created_at, updated_at';

function checkpointsJson(tables: SagaTables, alias: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('seq', c.seq, 'kind', c.kind, 'step', c.step, 'resultJson', c.result_json, 'errorJson', c.error_json, 'attempts', c.attempts, 'note', c.note, 'at', c.at) ORDER BY c.seq), '[]'::json) FROM ${tables.checkpoints} c WHERE c.saga_id = ${alias}.saga_id) AS checkpoints`;
}

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : toNumber(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Stored times are whole milliseconds. */
function dbTime(ms: number): number {
  return Math.floor(ms);
}

function summaryFrom(row: Record<string, unknown>): SagaSummary {
  const status = row.status;
  if (!isSagaStatus(status)) throw new IapError(ErrorCode.STORE_FAILED, `saga store: saga ${String(row.saga_id)} has an unknown status; the row is damaged`);
  return {
    sagaId: String(row.saga_id),
    sagaName: String(row.saga_name),
    status,
    version: toNumber(row.version),
    leaseOwner: optionalString(row.lease_owner),
    leaseExpiresAt: optionalNumber(row.lease_expires_at),
    deadlineAt: optionalNumber(row.deadline_at),
    failureJson: optionalString(row.failure_json),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

function checkpointFrom(value: unknown): SagaCheckpoint {
  const c = value as Record<string, unknown>;
  return {
    seq: toNumber(c.seq),
    kind: String(c.kind) as SagaCheckpointKind,
    step: optionalString(c.step),
    resultJson: optionalString(c.resultJson),
    errorJson: optionalString(c.errorJson),
    attempts: optionalNumber(c.attempts),
    note: optionalString(c.note),
    at: toNumber(c.at),
  };
}

function recordFrom(row: Record<string, unknown>): SagaRecord {
  const raw = typeof row.checkpoints === 'string' ? (JSON.parse(row.checkpoints) as unknown) : row.checkpoints;
  return {
    ...summaryFrom(row),
    inputJson: String(row.input_json),
    checkpoints: Array.isArray(raw) ? raw.map(checkpointFrom) : [],
  };
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function storeError(operation: string, error: unknown): IapError {
  if (IapError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : 'unknown error';
  const missing = pgCode(error) === '42P01' || pgCode(error) === '3F000';
  const hint = missing ? ` (the saga ${pgCode(error) === '3F000' ? 'schema' : 'tables'} do not exist: call store.migrate() first)` : '';
  return new IapError(ErrorCode.STORE_FAILED, `saga store: ${operation} failed: ${message}${hint}`, {
    cause: error,
    retryable: true,
    details: { operation, ...(pgCode(error) === undefined ? {} : { sqlState: pgCode(error) }) },
  });
}

/** A stable 32-bit key (FNV-1a) for the migration advisory lock of one set of tables. */
function lockKey(tables: SagaTables): number {
  let hash = 0x811c9dc5;
  const text = `iap-saga-migrations:${tables.migrations}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * @internal The saga store over SQL (PostgreSQL or PGlite): every operation is one statement
 * (create, fenced checkpoint with its log entries, claim with `FOR UPDATE SKIP LOCKED`), so it is
 * atomic without holding a transaction open; only `migrate()` uses a transaction.
 */
export function createSqlSagaStore(executor: SqlExecutor, tables: SagaTables): SqlSagaStore {
  const sql = {
    create: `INSERT INTO ${tables.runs} (saga_id, saga_name, status, input_json, version, lease_owner, lease_expires_at, deadline_at, created_at, updated_at)
VALUES ($1, $2, 'running', $3, 1, $4, $5, $6, $7, $7) ON CONFLICT (saga_id) DO NOTHING RETURNING saga_id`,
    get: `SELECT ${RUN_COLUMNS}, r.input_json, ${checkpointsJson(tables, 'r')} FROM ${tables.runs} r WHERE r.saga_id = $1`,
    list: `SELECT ${RUN_COLUMNS} FROM ${tables.runs}
WHERE ($1::text IS NULL OR status = $1::text) AND ($2::text IS NULL OR saga_name = $2::text) AND ($3::text IS NULL OR saga_id > $3::text)
ORDER BY saga_id LIMIT $4`,
    // $1 saga name, $2 statuses (JSON array), $3 updated before, $4 limit; checkpoints go by ON DELETE CASCADE
    purge: `WITH doomed AS (
  SELECT saga_id FROM ${tables.runs}
  WHERE saga_name = $1 AND status IN (SELECT json_array_elements_text($2::json)) AND updated_at < $3
  ORDER BY updated_at LIMIT $4
  FOR UPDATE SKIP LOCKED
), gone AS (DELETE FROM ${tables.runs} WHERE saga_id IN (SELECT saga_id FROM doomed) RETURNING 1)
SELECT count(*)::int AS n FROM gone`,
    acquire: `UPDATE ${tables.runs} r SET lease_owner = $2, lease_expires_at = $3, version = r.version + 1, updated_at = $4
WHERE r.saga_id = $1 AND r.status IN (SELECT json_array_elements_text($5::json))
  AND (r.lease_owner IS NULL OR r.lease_owner = $2 OR r.lease_expires_at IS NULL OR r.lease_expires_at <= $4)
RETURNING ${RUN_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}, r.input_json, ${checkpointsJson(tables, 'r')}`,
    // the candidates are materialised once: an IN (subquery ... LIMIT) may be re-run by the planner
    claim: `WITH picked AS MATERIALIZED (
  SELECT saga_id FROM ${tables.runs}
  WHERE saga_name = $1 AND status IN ('running', 'compensating') AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= $4)
  ORDER BY updated_at, saga_id LIMIT $5 FOR UPDATE SKIP LOCKED
)
UPDATE ${tables.runs} r SET lease_owner = $2, lease_expires_at = $3, version = r.version + 1, updated_at = $4
FROM picked
WHERE r.saga_id = picked.saga_id
  AND r.status IN ('running', 'compensating') AND (r.lease_owner IS NULL OR r.lease_expires_at IS NULL OR r.lease_expires_at <= $4)
RETURNING ${RUN_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}, r.input_json, ${checkpointsJson(tables, 'r')}`,
    checkpoint: `WITH run AS (
  UPDATE ${tables.runs} SET version = version + 1, updated_at = $4,
    status = coalesce($5::text, status),
    failure_json = CASE WHEN $6::boolean THEN $7::text ELSE failure_json END,
    lease_owner = CASE WHEN $8::bigint IS NULL THEN NULL ELSE lease_owner END,
    lease_expires_at = $8::bigint
  WHERE saga_id = $1 AND version = $2 AND lease_owner = $3
  RETURNING version
), ins AS (
  INSERT INTO ${tables.checkpoints} (saga_id, seq, kind, step, result_json, error_json, attempts, note, at)
  SELECT $1, e.seq, e.kind, e.step, e.result_json, e.error_json, e.attempts, e.note, $4
  FROM run, json_to_recordset($9::json) AS e(seq integer, kind text, step text, result_json text, error_json text, attempts integer, note text)
  RETURNING seq
)
SELECT (SELECT version FROM run) AS version, (SELECT count(*) FROM ins) AS inserted`,
  };

  async function get(sagaId: string): Promise<SagaRecord | undefined> {
    try {
      const { rows } = await executor.query(sql.get, [sagaId]);
      const row = rows[0] as Record<string, unknown> | undefined;
      return row === undefined ? undefined : recordFrom(row);
    } catch (error) {
      throw storeError('get', error);
    }
  }

  return {
    tables: { runs: tables.runs, checkpoints: tables.checkpoints, migrations: tables.migrations },

    async create(input: SagaCreateInput): Promise<SagaCreateResult> {
      let inserted: boolean;
      try {
        const { rows } = await executor.query(sql.create, [
          input.sagaId,
          input.sagaName,
          input.inputJson,
          input.owner,
          dbTime(input.leaseExpiresAt),
          input.deadlineAt === undefined ? null : dbTime(input.deadlineAt),
          dbTime(input.now),
        ]);
        inserted = rows.length > 0;
      } catch (error) {
        throw storeError('create', error);
      }
      if (inserted) {
        const now = dbTime(input.now);
        const record: SagaRecord = {
          sagaId: input.sagaId,
          sagaName: input.sagaName,
          status: 'running',
          version: 1,
          leaseOwner: input.owner,
          leaseExpiresAt: dbTime(input.leaseExpiresAt),
          deadlineAt: input.deadlineAt === undefined ? undefined : dbTime(input.deadlineAt),
          failureJson: undefined,
          createdAt: now,
          updatedAt: now,
          inputJson: input.inputJson,
          checkpoints: [],
        };
        return { created: true, record };
      }
      const existing = await get(input.sagaId);
      if (existing === undefined) throw new IapError(ErrorCode.STORE_FAILED, `saga store: saga ${input.sagaId} conflicted on insert but cannot be read; retry`, { retryable: true });
      return { created: false, record: existing };
    },

    get,

    async list(query: SagaListQuery = {}): Promise<SagaSummary[]> {
      try {
        const { rows } = await executor.query(sql.list, [query.status ?? null, query.sagaName ?? null, query.afterSagaId ?? null, query.limit ?? 100]);
        return rows.map((row) => summaryFrom(row as Record<string, unknown>));
      } catch (error) {
        throw storeError('list', error);
      }
    },

    async acquire(sagaId: string, input: SagaAcquireInput): Promise<SagaAcquireResult> {
      let row: Record<string, unknown> | undefined;
      try {
        const { rows } = await executor.query(sql.acquire, [sagaId, input.owner, dbTime(input.leaseExpiresAt), dbTime(input.now), JSON.stringify(input.statuses)]);
        row = rows[0] as Record<string, unknown> | undefined;
      } catch (error) {
        throw storeError('acquire', error);
      }
      if (row !== undefined) return { acquired: true, record: recordFrom(row) };
      return { acquired: false, record: await get(sagaId) };
    },

    async claim(input: SagaClaimInput): Promise<SagaRecord[]> {
      if (input.limit < 1) return [];
      try {
        const { rows } = await executor.query(sql.claim, [input.sagaName, input.owner, dbTime(input.leaseExpiresAt), dbTime(input.now), Math.floor(input.limit)]);
        return rows.map((row) => recordFrom(row as Record<string, unknown>));
      } catch (error) {
        throw storeError('claim', error);
      }
    },

    async purge(input: SagaPurgeInput): Promise<number> {
      try {
        const { rows } = await executor.query(sql.purge, [input.sagaName, JSON.stringify(input.statuses), dbTime(input.updatedBefore), input.limit]);
        return Number((rows[0] as { n?: unknown } | undefined)?.n ?? 0);
      } catch (error) {
        throw storeError('purge', error);
      }
    },

    async checkpoint(sagaId: string, write: SagaCheckpointWrite): Promise<number> {
      const entries = write.entries.map((e) => ({
        seq: e.seq,
        kind: e.kind,
        step: e.step ?? null,
        result_json: e.resultJson ?? null,
        error_json: e.errorJson ?? null,
        attempts: e.attempts ?? null,
        note: e.note ?? null,
      }));
      let row: Record<string, unknown> | undefined;
      try {
        const { rows } = await executor.query(sql.checkpoint, [
          sagaId,
          write.expectedVersion,
          write.owner,
          dbTime(write.now),
          write.status ?? null,
          write.failureJson !== undefined,
          write.failureJson ?? null,
          write.leaseExpiresAt === null ? null : dbTime(write.leaseExpiresAt),
          JSON.stringify(entries),
        ]);
        row = rows[0] as Record<string, unknown> | undefined;
      } catch (error) {
        if (pgCode(error) === '23505') throw leaseLostError(sagaId, 'a checkpoint with the same position was written by another worker');
        throw storeError('checkpoint', error);
      }
      const version = row?.version;
      if (version === null || version === undefined) {
        throw leaseLostError(sagaId, `the stored version is no longer ${write.expectedVersion} or the lease changed hands`);
      }
      return toNumber(version);
    },

    async migrate(): Promise<SagaMigrationResult> {
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
    },
  };
}
