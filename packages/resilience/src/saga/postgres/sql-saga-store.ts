import { ErrorCode, IapError, type SqlDatabase } from '@iap/core';
import { leaseLostError } from '../saga-errors.js';
import type {
  SagaAcquireInput,
  SagaAcquireResult,
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
import { migrateSagaTables, type SagaMigrationResult } from './sql-saga-migrate.js';
import { dbTime, recordFrom, summaryFrom, toNumber } from './sql-saga-rows.js';
import { sagaStatements, type SagaStatements } from './sql-saga-statements.js';
import { pgCode, storeError } from './sql-saga-store-error.js';
import type { SagaTables } from './saga-tables.js';

export type { SagaMigrationResult } from './sql-saga-migrate.js';

/**
 * A {@link SagaStore} in PostgreSQL (or PGlite), with its schema migrations.
 *
 * @example
 * ```ts
 * const store = createSqlSagaStore({ database: db }); // db = createPostgresDatabase({ pool })
 * await store.migrate();
 * await db.query(`SELECT saga_id, status FROM ${store.tables.runs} WHERE status = 'compensation_failed'`);
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

/** Runs one statement and reads its rows; a failure of either becomes {@link storeError}. */
async function query<T>(database: SqlDatabase, operation: string, text: string, values: unknown[], read: (rows: Array<Record<string, unknown>>) => T): Promise<T> {
  try {
    const { rows } = await database.query(text, values);
    return read(rows as Array<Record<string, unknown>>);
  } catch (error) {
    throw storeError(operation, error);
  }
}

const first = (rows: Array<Record<string, unknown>>): Record<string, unknown> | undefined => rows[0];

/** Inserts a new run; an existing id returns the stored run instead. */
async function createRun(database: SqlDatabase, sql: SagaStatements, input: SagaCreateInput, get: (sagaId: string) => Promise<SagaRecord | undefined>): Promise<SagaCreateResult> {
  const deadlineAt = input.deadlineAt === undefined ? undefined : dbTime(input.deadlineAt);
  const now = dbTime(input.now);
  const inserted = await query(database, 'create', sql.create, [input.sagaId, input.sagaName, input.inputJson, input.owner, dbTime(input.leaseExpiresAt), deadlineAt ?? null, now], first);
  if (inserted !== undefined) {
    const record: SagaRecord = {
      sagaId: input.sagaId,
      sagaName: input.sagaName,
      status: 'running',
      version: 1,
      leaseOwner: input.owner,
      leaseExpiresAt: dbTime(input.leaseExpiresAt),
      deadlineAt,
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
}

/** One fenced write: the run's new version, status and lease with its log entries, in one statement. */
async function checkpointRun(database: SqlDatabase, sql: SagaStatements, sagaId: string, write: SagaCheckpointWrite): Promise<number> {
  const entries = write.entries.map((e) => ({
    seq: e.seq,
    kind: e.kind,
    step: e.step ?? null,
    result_json: e.resultJson ?? null,
    error_json: e.errorJson ?? null,
    attempts: e.attempts ?? null,
    note: e.note ?? null,
  }));
  const leaseExpiresAt = write.leaseExpiresAt === null ? null : dbTime(write.leaseExpiresAt);
  const values = [sagaId, write.expectedVersion, write.owner, dbTime(write.now), write.status ?? null, write.failureJson !== undefined, write.failureJson ?? null, leaseExpiresAt, JSON.stringify(entries)];
  let row: Record<string, unknown> | undefined;
  try {
    const { rows } = await database.query(sql.checkpoint, values);
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
}

/**
 * @internal The saga store over core's `SqlDatabase` (PostgreSQL or PGlite): every operation is one statement
 * (create, fenced checkpoint with its log entries, claim with `FOR UPDATE SKIP LOCKED`), so it is
 * atomic without holding a transaction open; only `migrate()` uses a transaction.
 */
export function buildSqlSagaStore(database: SqlDatabase, tables: SagaTables): SqlSagaStore {
  const sql = sagaStatements(tables);

  async function get(sagaId: string): Promise<SagaRecord | undefined> {
    return query(database, 'get', sql.get, [sagaId], (rows) => (rows[0] === undefined ? undefined : recordFrom(rows[0])));
  }

  return {
    tables: { runs: tables.runs, checkpoints: tables.checkpoints, migrations: tables.migrations },
    create: (input: SagaCreateInput) => createRun(database, sql, input, get),
    get,

    async list(filter: SagaListQuery = {}): Promise<SagaSummary[]> {
      return query(database, 'list', sql.list, [filter.status ?? null, filter.sagaName ?? null, filter.afterSagaId ?? null, filter.limit ?? 100], (rows) => rows.map(summaryFrom));
    },

    async acquire(sagaId: string, input: SagaAcquireInput): Promise<SagaAcquireResult> {
      const row = await query(database, 'acquire', sql.acquire, [sagaId, input.owner, dbTime(input.leaseExpiresAt), dbTime(input.now), JSON.stringify(input.statuses)], first);
      if (row !== undefined) return { acquired: true, record: recordFrom(row) };
      return { acquired: false, record: await get(sagaId) };
    },

    async claim(input: SagaClaimInput): Promise<SagaRecord[]> {
      if (input.limit < 1) return [];
      return query(database, 'claim', sql.claim, [input.sagaName, input.owner, dbTime(input.leaseExpiresAt), dbTime(input.now), Math.floor(input.limit)], (rows) => rows.map(recordFrom));
    },

    async purge(input: SagaPurgeInput): Promise<number> {
      return query(database, 'purge', sql.purge, [input.sagaName, JSON.stringify(input.statuses), dbTime(input.updatedBefore), input.limit], (rows) => Number(rows[0]?.n ?? 0));
    },

    checkpoint: (sagaId: string, write: SagaCheckpointWrite) => checkpointRun(database, sql, sagaId, write),
    migrate: (): Promise<SagaMigrationResult> => migrateSagaTables(database, tables),
  };
}
