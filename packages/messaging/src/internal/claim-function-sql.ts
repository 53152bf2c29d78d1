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
 * 1. with an acknowledgement: the previous batch's lease row is deleted, fenced by its token; only
 *    if it still existed are its rows deleted (or marked published). A relay that took the expired
 *    lease over deleted that row first, so a late acknowledgement changes nothing. This runs before
 *    the lock, to keep the serialised part short;
 * 2. the claim lock;
 * 3. leases that ran out (their holder crashed or hung) are taken back: each of their rows counts
 *    an attempt and an unfinished claim (crash-loop detection) and becomes claimable (a lease holds
 *    only the rows whose outcome was not recorded yet: recording one removes it). A lease row
 *    that another statement holds (an acknowledgement or failure record under way) is skipped, so
 *    the lock holder never waits for a row lock: an acknowledgement holding its lease row while it
 *    waits for the lock cannot deadlock with it;
 * 4. the oldest available head of each key that no lease holds, up to the batch size, is leased
 *    under a new fencing token and returned: attributes and data text apart (see claimed-row.ts), the
 *    attempt number this claim makes (headers NULL when there are none), and `acked` (rows
 *    acknowledged in step 1). When nothing is claimed, one row carries only `acked`.
 */
import type { TableNames } from './table-names.js';

/** Columns the claim function returns, in order. */
const RESULT_COLUMNS =
  'acked integer, id text, message_id text, destination text, partition_key text, headers jsonb, envelope jsonb, data_json text, attempts integer, unfinished_claims integer, created_at_ms float8, lease_token text';

/** `CREATE OR REPLACE FUNCTION` of the claim for one table set. */
export function claimFunctionSql(n: TableNames): string {
  return `CREATE OR REPLACE FUNCTION ${n.claimFunction}(p_now_ms float8, p_batch integer, p_relay text, p_lease_ms float8, p_ack_ids bigint[], p_ack_token bigint, p_keep boolean)
RETURNS TABLE (${RESULT_COLUMNS})
LANGUAGE plpgsql VOLATILE AS $iap$
#variable_conflict use_column
DECLARE
  v_now timestamptz := to_timestamp(p_now_ms / 1000);
  v_acked integer := 0;
  v_token bigint;
  v_ids bigint[];
  v_expired bigint[];
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'the outbox claim needs READ COMMITTED isolation, got %', current_setting('transaction_isolation')
      USING ERRCODE = '55000', HINT = 'run the relay on connections whose default_transaction_isolation is read committed';
  END IF;
  IF p_ack_token IS NOT NULL THEN
    DELETE FROM ${n.leases} l WHERE l.token = p_ack_token;
    IF FOUND THEN
      IF p_keep THEN
        UPDATE ${n.outbox} o SET status = 'published', published_at = v_now, attempts = o.attempts + 1
        WHERE o.id = ANY (p_ack_ids) AND o.status = 'pending';
      ELSE
        DELETE FROM ${n.outbox} o WHERE o.id = ANY (p_ack_ids) AND o.status = 'pending';
      END IF;
      GET DIAGNOSTICS v_acked = ROW_COUNT;
    END IF;
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
  v_token := nextval(${n.leaseSequenceLiteral});
  INSERT INTO ${n.leases} (token, claimed_by, lease_until, ids)
  SELECT v_token, p_relay, to_timestamp((p_now_ms + p_lease_ms) / 1000), array_agg(c.id ORDER BY c.id)
  FROM (
    SELECT o.id FROM ${n.outbox} o
    WHERE o.status = 'pending' AND o.available_at <= v_now
      AND o.id NOT IN (SELECT unnest(l.ids) FROM ${n.leases} l)
      AND NOT EXISTS (SELECT 1 FROM ${n.outbox} p WHERE p.status = 'pending' AND p.partition_key = o.partition_key AND p.id < o.id)
    ORDER BY o.id
    LIMIT p_batch
  ) c
  HAVING count(*) > 0
  RETURNING ids INTO v_ids;
  IF v_ids IS NULL THEN
    RETURN QUERY SELECT v_acked, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::jsonb, NULL::text, NULL::integer, NULL::integer, NULL::float8, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY
  SELECT v_acked, t.id::text, t.message_id, t.destination, t.partition_key, NULLIF(t.headers, '{}'::jsonb),
    t.envelope, t.data::text, t.attempts + 1, t.unfinished_claims,
    (extract(epoch from t.created_at) * 1000)::float8, v_token::text
  FROM ${n.outbox} t WHERE t.id = ANY (v_ids);
END
$iap$`;
}
