import type { SagaTables } from './saga-tables.js';

const RUN_COLUMNS = 'saga_id, saga_name, status, version, lease_owner, lease_expires_at, deadline_at, failure_json, created_at, updated_at';
const RUN_COLUMNS_OF_R = RUN_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ');

/** The checkpoint log of the run aliased `alias`, as one JSON array column. */
function checkpointsJson(tables: SagaTables, alias: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('seq', c.seq, 'kind', c.kind, 'step', c.step, 'resultJson', c.result_json, 'errorJson', c.error_json, 'attempts', c.attempts, 'note', c.note, 'at', c.at) ORDER BY c.seq), '[]'::json) FROM ${tables.checkpoints} c WHERE c.saga_id = ${alias}.saga_id) AS checkpoints`;
}

/** @internal The SQL text of every saga store operation, for one set of tables (parameters in the comments). */
export interface SagaStatements {
  /** $1 id, $2 name, $3 input, $4 owner, $5 lease expiry, $6 deadline, $7 now; returns a row when inserted */
  readonly create: string;
  /** $1 id; the run with its checkpoint log */
  readonly get: string;
  /** $1 status, $2 name, $3 after id, $4 limit */
  readonly list: string;
  /** $1 saga name, $2 statuses (JSON array), $3 updated before, $4 limit; returns `n` */
  readonly purge: string;
  /** $1 id, $2 owner, $3 lease expiry, $4 now, $5 statuses (JSON array) */
  readonly acquire: string;
  /** $1 name, $2 owner, $3 lease expiry, $4 now, $5 limit */
  readonly claim: string;
  /** $1 id, $2 expected version, $3 owner, $4 now, $5 status, $6 failure set?, $7 failure, $8 lease expiry, $9 entries (JSON) */
  readonly checkpoint: string;
}

/** @internal Builds the statements of {@link SagaStatements} for `tables`. */
export function sagaStatements(tables: SagaTables): SagaStatements {
  return {
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
RETURNING ${RUN_COLUMNS_OF_R}, r.input_json, ${checkpointsJson(tables, 'r')}`,
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
RETURNING ${RUN_COLUMNS_OF_R}, r.input_json, ${checkpointsJson(tables, 'r')}`,
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
}
