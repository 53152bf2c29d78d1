/**
 * The relay's claim as one PL/pgSQL function (schema version 3). A claim leases a whole batch with
 * one row in the leases table instead of writing a lease into every claimed message row, so a
 * message row is only written when it is inserted and when it is acknowledged.
 *
 * Without a write to the message rows, two claims racing for the same rows would not conflict, so
 * claims are serialised by a transaction-scoped advisory lock, and every statement after the lock
 * reads a snapshot taken after it (in READ COMMITTED a volatile function takes a new snapshot per
 * statement): each claim sees the leases of every claim committed before it. Under REPEATABLE READ or
 * SERIALIZABLE every statement would read the call's first snapshot, so the function refuses to run
 * there (SQLSTATE 55000) instead of claiming rows twice.
 *
 * The function is created by migration 3: never edit it once released. A change is a new migration
 * that replaces it (`CREATE OR REPLACE FUNCTION`), so databases already migrated receive it too.
 *
 * Steps, in one transaction:
 * 1. acknowledgements (fully published batches, by lease token): each lease row is deleted, and only
 *    if it still existed are its rows deleted (or marked published); one row per acknowledged lease
 *    answers `acked` and `lease_token`. A relay that took an expired lease over deleted that row
 *    first, so a late acknowledgement changes nothing. This runs before the lock, to keep the
 *    serialised part short;
 * 2. the claim lock;
 * 3. leases that ran out (their holder crashed or hung) are taken back: each of their rows counts
 *    an attempt and an unfinished claim (crash-loop detection) and becomes claimable (a lease holds
 *    only the rows whose outcome was not recorded yet: recording one removes it). A lease row
 *    that another statement holds (an acknowledgement or failure record under way) is skipped, so
 *    the lock holder never waits for a row lock: an acknowledgement holding its lease row while it
 *    waits for the lock cannot deadlock with it;
 * 4. the oldest available heads of the keys that no lease holds, up to `p_batches` batches of
 *    `p_batch`, are leased (the oldest first, split in id order), one lease row and fencing token per
 *    batch, and returned:
 *    attributes and data text apart (see claimed-row.ts), the attempt number this claim makes,
 *    headers (NULL when there are none) and the batch's `lease_token`. A relay with a deep backlog
 *    asks for several batches per call (see relay.ts: claiming ahead).
 */
import type { TableNames } from './table-names.js';

/** Columns the claim function returns, in order. */
const RESULT_COLUMNS =
  'acked integer, id text, message_id text, destination text, partition_key text, headers jsonb, envelope jsonb, data_json text, attempts integer, unfinished_claims integer, created_at_ms float8, lease_token text';

/** `CREATE OR REPLACE FUNCTION` of the claim for one table set. */
export function claimFunctionSql(n: TableNames): string {
  return `CREATE OR REPLACE FUNCTION ${n.claimFunction}(p_now_ms float8, p_batch integer, p_batches integer, p_relay text, p_lease_ms float8, p_ack_tokens bigint[], p_keep boolean)
RETURNS TABLE (${RESULT_COLUMNS})
LANGUAGE plpgsql VOLATILE AS $iap$
#variable_conflict use_column
DECLARE
  v_now timestamptz := to_timestamp(p_now_ms / 1000);
  v_lease record;
  v_expired bigint[];
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'the outbox claim needs READ COMMITTED isolation, got %', current_setting('transaction_isolation')
      USING ERRCODE = '55000', HINT = 'run the relay on connections whose default_transaction_isolation is read committed';
  END IF;
  IF p_ack_tokens IS NOT NULL THEN
    FOR v_lease IN DELETE FROM ${n.leases} l WHERE l.token = ANY (p_ack_tokens) RETURNING l.token, l.ids LOOP
      IF p_keep THEN
        UPDATE ${n.outbox} o SET status = 'published', published_at = v_now, attempts = o.attempts + 1
        WHERE o.id = ANY (v_lease.ids) AND o.status = 'pending';
      ELSE
        DELETE FROM ${n.outbox} o WHERE o.id = ANY (v_lease.ids) AND o.status = 'pending';
      END IF;
      GET DIAGNOSTICS acked = ROW_COUNT;
      lease_token := v_lease.token::text;
      RETURN NEXT;
    END LOOP;
    acked := NULL;
    lease_token := NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(${n.claimLockKey}::bigint);
  WITH expired AS (
    DELETE FROM ${n.leases} l
    WHERE l.token IN (SELECT x.token FROM ${n.leases} x WHERE x.lease_until <= v_now FOR UPDATE SKIP LOCKED)
    RETURNING l.ids)
  SELECT array_agg(x.id) INTO v_expired FROM expired e, unnest(e.ids) AS x(id);
  IF v_expired IS NOT NULL THEN
    UPDATE ${n.outbox} o SET attempts = o.attempts + 1, unfinished_claims = o.unfinished_claims + 1
    WHERE o.id = ANY (v_expired) AND o.status = 'pending';
  END IF;
  RETURN QUERY
  WITH candidates AS MATERIALIZED (
    SELECT o.id FROM ${n.outbox} o
    WHERE o.status = 'pending' AND o.available_at <= v_now
      AND o.id NOT IN (SELECT unnest(l.ids) FROM ${n.leases} l)
      AND NOT EXISTS (SELECT 1 FROM ${n.outbox} p WHERE p.status = 'pending' AND p.partition_key = o.partition_key AND p.id < o.id)
    ORDER BY o.id
    LIMIT p_batch * p_batches
  ), leased AS (
    INSERT INTO ${n.leases} (token, claimed_by, lease_until, ids)
    SELECT nextval(${n.leaseSequenceLiteral}), p_relay, to_timestamp((p_now_ms + p_lease_ms) / 1000), array_agg(c.id ORDER BY c.id)
    FROM (SELECT c.id, (row_number() OVER (ORDER BY c.id) - 1) / p_batch AS chunk FROM candidates c) c
    GROUP BY c.chunk
    RETURNING token, ids
  )
  SELECT NULL::integer, t.id::text, t.message_id, t.destination, t.partition_key, NULLIF(t.headers, '{}'::jsonb),
    t.envelope, t.data::text, t.attempts + 1, t.unfinished_claims,
    (extract(epoch from t.created_at) * 1000)::float8, l.token::text
  FROM leased l CROSS JOIN LATERAL unnest(l.ids) AS u(id) JOIN ${n.outbox} t ON t.id = u.id;
END
$iap$`;
}
