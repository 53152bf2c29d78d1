import type { TableNames } from './table-names.js';

/** `to_timestamp` of a JS millisecond parameter. */
export const ts = (param: string): string => `to_timestamp(${param}::float8 / 1000)`;
/** Milliseconds since the epoch of a timestamptz column, as float8. */
export const ms = (column: string): string => `(extract(epoch from ${column}) * 1000)::float8`;

/** Every statement the outbox and the relay issue, built once per table set. */
export interface OutboxSql {
  readonly insertKeyed: string;
  readonly insertKeyedNotify: string;
  readonly insertUnkeyed: string;
  readonly insertUnkeyedNotify: string;
  readonly claim: string;
  readonly ackDeleteThenClaim: string;
  readonly ackKeepThenClaim: string;
  readonly ackDelete: string;
  readonly ackKeep: string;
  readonly fail: string;
  readonly renew: string;
  readonly release: string;
  readonly stats: string;
  readonly listDead: string;
  readonly replay: string;
  readonly discard: string;
  readonly purgePublished: string;
}

/** Builds the SQL for one table set. Parameters are documented next to each statement. */
export function buildOutboxSql(n: TableNames): OutboxSql {
  const insert = (keyed: boolean, notify: boolean): string => {
    // $1 message ids, $2 destinations, $3 keys, $4 headers, $5 envelopes, $6 now ms, then the lock
    // namespace when keyed, then the channel when notifying
    // the per-key advisory locks are taken (in key order) before any id is drawn, so for one key,
    // id order equals commit order: a second writer of the key waits for the first to commit
    const ctes = [`input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[]) WITH ORDINALITY AS m(message_id, destination, partition_key, headers, envelope, n))`];
    const joins = ['input m'];
    let next = 7;
    if (keyed) {
      ctes.push(`locked AS MATERIALIZED (SELECT count(pg_advisory_xact_lock($${next++}::int4, hashtext(k.key))) AS n FROM (SELECT DISTINCT partition_key AS key FROM input WHERE partition_key IS NOT NULL ORDER BY 1) AS k)`);
      joins.push('locked');
    }
    if (notify) {
      ctes.push(`notified AS MATERIALIZED (SELECT count(pg_notify($${next}::text, '')) AS n)`);
      joins.push('notified');
    }
    return `WITH ${ctes.join(', ')}
INSERT INTO ${n.outbox} (message_id, destination, partition_key, headers, envelope, created_at, available_at)
SELECT m.message_id, m.destination, m.partition_key, m.headers, m.envelope, ${ts('$6')}, ${ts('$6')}
FROM ${joins.join(', ')} ORDER BY m.n`;
  };
  /**
   * One statement: picks the oldest available head of each key (no older pending row of the same key
   * exists), skipping rows other relays are claiming, and leases them under one fencing token; the
   * envelope comes back as its attributes plus the data's JSON text (see claimed-row.ts).
   *
   * With `ack`, the same statement first acknowledges the previous batch (delete, or keep as
   * published), fenced by its lease token, and the rows it acknowledged no longer block their keys:
   * a data-modifying CTE's effects are invisible to the rest of its statement, so the key check
   * skips them by id. Both commit together, so no other session sees one without the other. Every
   * result row carries `acked` (the number of rows acknowledged); when nothing was claimed, one row
   * with only `acked` comes back.
   */
  const claim = (ack: 'delete' | 'keep' | undefined): string => {
    const acked =
      ack === 'delete'
        ? `acked AS (DELETE FROM ${n.outbox} WHERE id = ANY($5::bigint[]) AND lease_token = $6::bigint RETURNING id),`
        : ack === 'keep'
          ? `acked AS (UPDATE ${n.outbox} SET status = 'published', published_at = ${ts('$1')}, claimed_by = NULL, lease_until = NULL WHERE id = ANY($5::bigint[]) AND lease_token = $6::bigint RETURNING id),`
          : '';
    // acknowledged rows are never claimed again by the same statement (their lease may have run out)
    const notAckedRow = ack === undefined ? '' : '\n    AND o.id <> ALL ($5::bigint[])';
    const notAcked = ack === undefined ? '' : ' AND p.id <> ALL (ARRAY(SELECT id FROM acked))';
    const update = `UPDATE ${n.outbox} t
SET claimed_by = $3, lease_until = ${ts('($1::float8 + $4::float8)')}, lease_token = token.value, attempts = t.attempts + 1,
    unfinished_claims = CASE WHEN t.claimed_by IS NULL THEN 0 ELSE t.unfinished_claims + 1 END
FROM token
WHERE t.id = ANY (ARRAY(SELECT id FROM candidates))
RETURNING t.id::text AS id, t.message_id, t.destination, t.partition_key, t.headers,
  CASE WHEN jsonb_typeof(t.envelope) = 'object' THEN t.envelope - 'data' ELSE t.envelope END AS envelope,
  (t.envelope -> 'data')::text AS data_json, t.attempts, t.unfinished_claims,
  ${ms('t.created_at')} AS created_at_ms, token.value::text AS lease_token`;
    const ctes = `WITH ${acked} token AS MATERIALIZED (SELECT nextval(${n.leaseSequenceLiteral}) AS value),
candidates AS (
  SELECT o.id FROM ${n.outbox} o
  WHERE o.status = 'pending' AND o.available_at <= ${ts('$1')}
    AND (o.lease_until IS NULL OR o.lease_until <= ${ts('$1')})${notAckedRow}
    AND NOT EXISTS (SELECT 1 FROM ${n.outbox} p WHERE p.status = 'pending' AND p.partition_key = o.partition_key AND p.id < o.id${notAcked})
  ORDER BY o.id
  LIMIT $2
  FOR UPDATE OF o SKIP LOCKED
)`;
    if (ack === undefined) return `${ctes}\n${update}`;
    return `${ctes},
claimed AS (${update})
SELECT (SELECT count(*) FROM acked)::int AS acked, c.* FROM (SELECT 1) AS one LEFT JOIN claimed c ON true`;
  };
  return {
    insertKeyed: insert(true, false),
    insertKeyedNotify: insert(true, true),
    insertUnkeyed: insert(false, false),
    insertUnkeyedNotify: insert(false, true),
    // $1 now ms, $2 batch size, $3 relay id, $4 lease ms
    claim: claim(undefined),
    // $1 now ms, $2 batch size, $3 relay id, $4 lease ms, $5 acknowledged ids, $6 their lease token
    ackDeleteThenClaim: claim('delete'),
    ackKeepThenClaim: claim('keep'),
    // $1 ids, $2 lease token
    ackDelete: `WITH done AS (DELETE FROM ${n.outbox} WHERE id = ANY($1::bigint[]) AND lease_token = $2::bigint RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 ids, $2 lease token, $3 now ms
    ackKeep: `WITH done AS (UPDATE ${n.outbox} SET status = 'published', published_at = ${ts('$3')}, claimed_by = NULL, lease_until = NULL WHERE id = ANY($1::bigint[]) AND lease_token = $2::bigint RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 ids, $2 delays ms, $3 dead flags, $4 errors, $5 lease token, $6 now ms
    fail: `WITH done AS (
  UPDATE ${n.outbox} t
  SET status = CASE WHEN f.dead THEN 'dead' ELSE 'pending' END,
      available_at = ${ts('($6::float8 + f.delay_ms)')},
      dead_at = CASE WHEN f.dead THEN ${ts('$6')} END,
      claimed_by = NULL, lease_until = NULL, last_error = f.error
  FROM unnest($1::bigint[], $2::float8[], $3::bool[], $4::text[]) AS f(id, delay_ms, dead, error)
  WHERE t.id = f.id AND t.lease_token = $5::bigint
  RETURNING 1)
SELECT count(*)::int AS n FROM done`,
    // $1 ids, $2 lease token, $3 now ms, $4 lease ms
    renew: `WITH done AS (UPDATE ${n.outbox} SET lease_until = ${ts('($3::float8 + $4::float8)')} WHERE id = ANY($1::bigint[]) AND lease_token = $2::bigint AND status = 'pending' RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 ids, $2 lease token
    // a released claim does not count as an attempt (nothing was decided about the message)
    release: `WITH done AS (UPDATE ${n.outbox} SET claimed_by = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0) WHERE id = ANY($1::bigint[]) AND lease_token = $2::bigint AND status = 'pending' RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 now ms
    stats: `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
  count(*) FILTER (WHERE status = 'pending' AND lease_until > ${ts('$1')})::int AS in_flight,
  ${ms("min(created_at) FILTER (WHERE status = 'pending')")} AS oldest_ms,
  count(*) FILTER (WHERE status = 'dead')::int AS dead
FROM ${n.outbox} WHERE status IN ('pending', 'dead')`,
    // $1 after id, $2 limit, $3 destination or null
    listDead: `SELECT id::text AS id, message_id, destination, partition_key, headers, envelope, attempts, last_error, ${ms('created_at')} AS created_at_ms, ${ms('dead_at')} AS dead_at_ms
FROM ${n.outbox} WHERE status = 'dead' AND id > $1::bigint AND ($3::text IS NULL OR destination = $3::text) ORDER BY id LIMIT $2`,
    // $1 ids, $2 now ms
    replay: `WITH done AS (UPDATE ${n.outbox} SET status = 'pending', attempts = 0, unfinished_claims = 0, available_at = ${ts('$2')}, claimed_by = NULL, lease_until = NULL, lease_token = NULL, dead_at = NULL WHERE id = ANY($1::bigint[]) AND status = 'dead' RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 ids
    discard: `WITH done AS (DELETE FROM ${n.outbox} WHERE id = ANY($1::bigint[]) AND status = 'dead' RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 cutoff ms, $2 limit
    purgePublished: `WITH done AS (DELETE FROM ${n.outbox} WHERE id IN (SELECT id FROM ${n.outbox} WHERE status = 'published' AND published_at < ${ts('$1')} ORDER BY published_at LIMIT $2) RETURNING 1) SELECT count(*)::int AS n FROM done`,
  };
}
