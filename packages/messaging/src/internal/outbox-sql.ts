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
  readonly claimBatches: string;
  readonly claimBatchesKeep: string;
  readonly ackDelete: string;
  readonly ackKeep: string;
  readonly ackDeletePart: string;
  readonly ackKeepPart: string;
  readonly fail: string;
  readonly renew: string;
  readonly release: string;
  readonly endLease: string;
  readonly stats: string;
  readonly listDead: string;
  readonly replay: string;
  readonly discard: string;
  readonly purgePublished: string;
}

/** Builds the SQL for one table set. Parameters are documented next to each statement. */
export function buildOutboxSql(n: TableNames): OutboxSql {
  const insert = (keyed: boolean, notify: boolean): string => {
    // $1 message ids, $2 destinations, $3 keys, $4 headers, $5 envelopes (without data), $6 data
    // (JSON text or NULL), $7 now ms, then the lock namespace when keyed, then the channel when notifying
    // the per-key advisory locks are taken (in key order) before any id is drawn, so for one key,
    // id order equals commit order: a second writer of the key waits for the first to commit
    const ctes = [`input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::json[]) WITH ORDINALITY AS m(message_id, destination, partition_key, headers, envelope, data, n))`];
    const joins = ['input m'];
    let next = 8;
    if (keyed) {
      ctes.push(`locked AS MATERIALIZED (SELECT count(pg_advisory_xact_lock($${next++}::int4, hashtext(k.key))) AS n FROM (SELECT DISTINCT partition_key AS key FROM input WHERE partition_key IS NOT NULL ORDER BY 1) AS k)`);
      joins.push('locked');
    }
    if (notify) {
      ctes.push(`notified AS MATERIALIZED (SELECT count(pg_notify($${next}::text, '')) AS n)`);
      joins.push('notified');
    }
    return `WITH ${ctes.join(', ')}
INSERT INTO ${n.outbox} (message_id, destination, partition_key, headers, envelope, data, created_at, available_at)
SELECT m.message_id, m.destination, m.partition_key, m.headers, m.envelope, m.data, ${ts('$7')}, ${ts('$7')}
FROM ${joins.join(', ')} ORDER BY m.n`;
  };
  /** The claim function (see claim-function-sql.ts); only the acknowledgement mode differs. */
  const claimBatches = (keep: boolean): string => `SELECT * FROM ${n.claimFunction}($1::float8, $2::int4, $3::int4, $4::text, $5::float8, $6::bigint[], ${keep})`;
  /**
   * Removes the ids in `ids` from a batch's lease, fenced by its token (a relay taking the lease over
   * has to wait for the statement, and finds it without them). The lease ends with `endLease`.
   */
  const shrinkLease = (ids: string, token: string): string =>
    `lease AS (UPDATE ${n.leases} l SET ids = ARRAY(SELECT u.id FROM unnest(l.ids) AS u(id) WHERE u.id <> ALL (${ids}::bigint[])) WHERE l.token = ${token}::bigint RETURNING l.token)`;
  /** Ends a batch's lease, fenced by its token ($2). */
  const endingLease = `lease AS (DELETE FROM ${n.leases} l WHERE l.token = $2::bigint RETURNING l.token)`;
  /**
   * Acknowledges rows $1 under the lease found by `lease` (ending or shrinking it): deletes them, or
   * with `keep` marks them published at $3. Nothing happens when the lease is gone.
   */
  const acknowledge = (lease: string, keep: boolean): string => {
    const rows = `o.id = ANY($1::bigint[]) AND o.status = 'pending' AND EXISTS (SELECT 1 FROM lease)`;
    const done = keep
      ? `UPDATE ${n.outbox} o SET status = 'published', published_at = ${ts('$3')}, attempts = o.attempts + 1 WHERE ${rows} RETURNING 1`
      : `DELETE FROM ${n.outbox} o WHERE ${rows} RETURNING 1`;
    return `WITH ${lease}, done AS (${done}) SELECT count(*)::int AS n FROM done`;
  };
  return {
    insertKeyed: insert(true, false),
    insertKeyedNotify: insert(true, true),
    insertUnkeyed: insert(false, false),
    insertUnkeyedNotify: insert(false, true),
    // $1 now ms, $2 batch size, $3 batches, $4 relay id, $5 lease ms, $6 lease tokens of fully
    // published batches to acknowledge first (or NULL; their rows then no longer block their keys)
    claimBatches: claimBatches(false),
    claimBatchesKeep: claimBatches(true),
    // $1 ids, $2 lease token: acknowledges the whole batch and ends its lease
    ackDelete: acknowledge(endingLease, false),
    // $1 ids, $2 lease token, $3 now ms
    ackKeep: acknowledge(endingLease, true),
    // $1 ids, $2 lease token: acknowledges part of a batch; the lease keeps the rest
    ackDeletePart: acknowledge(shrinkLease('$1', '$2'), false),
    // $1 ids, $2 lease token, $3 now ms
    ackKeepPart: acknowledge(shrinkLease('$1', '$2'), true),
    // $1 ids, $2 delays ms, $3 dead flags, $4 errors, $5 lease token, $6 now ms; the lease keeps the rest
    fail: `WITH ${shrinkLease('$1', '$5')}, done AS (
  UPDATE ${n.outbox} t
  SET status = CASE WHEN f.dead THEN 'dead' ELSE 'pending' END,
      available_at = ${ts('($6::float8 + f.delay_ms)')},
      dead_at = CASE WHEN f.dead THEN ${ts('$6')} END,
      attempts = t.attempts + 1, unfinished_claims = 0, last_error = f.error
  FROM unnest($1::bigint[], $2::float8[], $3::bool[], $4::text[]) AS f(id, delay_ms, dead, error)
  WHERE t.id = f.id AND t.status = 'pending' AND EXISTS (SELECT 1 FROM lease)
  RETURNING 1)
SELECT count(*)::int AS n FROM done`,
    // $1 lease tokens, $2 now ms, $3 lease ms: the number of messages the leases still hold (n) and the
    // tokens of the leases found, comma-separated (NULL when none)
    renew: `WITH done AS (UPDATE ${n.leases} l SET lease_until = ${ts('($2::float8 + $3::float8)')} WHERE l.token = ANY($1::bigint[]) RETURNING l.token, cardinality(l.ids) AS n) SELECT coalesce(sum(n), 0)::int AS n, string_agg(token::text, ',') AS tokens FROM done`,
    // $1 ids, $2 lease token; the lease keeps the rest
    // a released claim is no attempt (nothing was decided about the message) and no unfinished one
    release: `WITH ${shrinkLease('$1', '$2')}, done AS (UPDATE ${n.outbox} o SET unfinished_claims = 0 WHERE o.id = ANY($1::bigint[]) AND o.status = 'pending' AND EXISTS (SELECT 1 FROM lease) RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 lease token: ends a lease once every outcome of its batch is recorded
    endLease: `DELETE FROM ${n.leases} WHERE token = $1::bigint`,
    // $1 now ms
    stats: `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
  (SELECT coalesce(sum(cardinality(l.ids)), 0) FROM ${n.leases} l WHERE l.lease_until > ${ts('$1')})::int AS in_flight,
  ${ms("min(created_at) FILTER (WHERE status = 'pending')")} AS oldest_ms,
  count(*) FILTER (WHERE status = 'dead')::int AS dead
FROM ${n.outbox} WHERE status IN ('pending', 'dead')`,
    // $1 after id, $2 limit, $3 destination or null
    listDead: `SELECT id::text AS id, message_id, destination, partition_key, headers, envelope, data::text AS data_json, attempts, last_error, ${ms('created_at')} AS created_at_ms, ${ms('dead_at')} AS dead_at_ms
FROM ${n.outbox} WHERE status = 'dead' AND id > $1::bigint AND ($3::text IS NULL OR destination = $3::text) ORDER BY id LIMIT $2`,
    // $1 ids, $2 now ms
    replay: `WITH done AS (UPDATE ${n.outbox} SET status = 'pending', attempts = 0, unfinished_claims = 0, available_at = ${ts('$2')}, dead_at = NULL WHERE id = ANY($1::bigint[]) AND status = 'dead' RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 ids
    discard: `WITH done AS (DELETE FROM ${n.outbox} WHERE id = ANY($1::bigint[]) AND status = 'dead' RETURNING 1) SELECT count(*)::int AS n FROM done`,
    // $1 cutoff ms, $2 limit
    purgePublished: `WITH done AS (DELETE FROM ${n.outbox} WHERE id IN (SELECT id FROM ${n.outbox} WHERE status = 'published' AND published_at < ${ts('$1')} ORDER BY published_at LIMIT $2) RETURNING 1) SELECT count(*)::int AS n FROM done`,
  };
}
