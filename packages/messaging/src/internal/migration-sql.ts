import type { SqlMigration } from '@iap/core';
import { claimFunctionSql } from './claim-function-sql.js';
import type { TableNames } from './table-names.js';

/** One versioned schema migration for any table names: its statements, run in order inside one transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (names: TableNames) => readonly string[];
}

/**
 * Every migration this package ships, oldest first. Never edit a released migration: add a new one.
 * The SQL is bundled as string constants, so no files are read at run time.
 */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'outbox and inbox tables',
    statements: (n: TableNames): readonly string[] => [
      `CREATE SEQUENCE IF NOT EXISTS ${n.leaseSequence}`,
      // fillfactor leaves room on each page so lease updates (which change no indexed column) stay
      // HOT updates; aggressive autovacuum keeps the delete-on-acknowledge churn from bloating the table
      `CREATE TABLE IF NOT EXISTS ${n.outbox} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id text NOT NULL,
        destination text NOT NULL,
        partition_key text,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        envelope jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        unfinished_claims integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        available_at timestamptz NOT NULL,
        claimed_by text,
        lease_until timestamptz,
        lease_token bigint,
        last_error text,
        published_at timestamptz,
        dead_at timestamptz
      ) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02)`,
      `CREATE INDEX IF NOT EXISTS "${n.indexPrefix}outbox_pending_idx" ON ${n.outbox} (id) WHERE status = 'pending'`,
      `CREATE INDEX IF NOT EXISTS "${n.indexPrefix}outbox_pending_key_idx" ON ${n.outbox} (partition_key, id) WHERE status = 'pending'`,
      `CREATE INDEX IF NOT EXISTS "${n.indexPrefix}outbox_dead_idx" ON ${n.outbox} (id) WHERE status = 'dead'`,
      `CREATE INDEX IF NOT EXISTS "${n.indexPrefix}outbox_published_idx" ON ${n.outbox} (published_at) WHERE status = 'published'`,
      `CREATE TABLE IF NOT EXISTS ${n.inbox} (
        consumer text NOT NULL,
        message_id text NOT NULL,
        processed_at timestamptz NOT NULL,
        PRIMARY KEY (consumer, message_id)
      )`,
      `CREATE INDEX IF NOT EXISTS "${n.indexPrefix}inbox_processed_idx" ON ${n.inbox} (processed_at)`,
    ],
  },
  {
    version: 2,
    name: 'idempotency keys table',
    statements: (n: TableNames): readonly string[] => [
      `CREATE TABLE IF NOT EXISTS ${n.idempotency} (
        key text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('in_progress', 'completed')),
        token text NOT NULL,
        expires_at bigint NOT NULL,
        result jsonb
      )`,
      `CREATE INDEX IF NOT EXISTS "${n.indexPrefix}idempotency_exp_idx" ON ${n.idempotency} (expires_at)`,
    ],
  },
  {
    version: 3,
    name: 'batch leases and a data column',
    statements: (n: TableNames): readonly string[] => [
      // a claim writes one lease row per batch instead of updating every claimed message row: a
      // message row is written twice in its life (insert, delete) when nothing fails. Rows some
      // older relay had leased become claimable (published again at worst, never lost). (Version 3
      // was not released before its data column was added.)
      `CREATE TABLE IF NOT EXISTS ${n.leases} (
        token bigint PRIMARY KEY,
        claimed_by text NOT NULL,
        lease_until timestamptz NOT NULL,
        ids bigint[] NOT NULL
      ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)`,
      `ALTER TABLE ${n.outbox} DROP COLUMN IF EXISTS claimed_by, DROP COLUMN IF EXISTS lease_until, DROP COLUMN IF EXISTS lease_token`,
      // rows are no longer updated while claimed: pages can be filled
      `ALTER TABLE ${n.outbox} SET (fillfactor = 90)`,
      // the envelope's data is kept apart, as the JSON text enqueue wrote (byte for byte: key order
      // and spacing kept), and handed to the publisher as it is; NULL when the envelope has no data
      `ALTER TABLE ${n.outbox} ADD COLUMN IF NOT EXISTS data json`,
      `UPDATE ${n.outbox} SET data = (envelope -> 'data')::json, envelope = envelope - 'data' WHERE jsonb_typeof(envelope) = 'object' AND envelope ? 'data'`,
      claimFunctionSql(n),
    ],
  },
]);

/** The newest schema version this package knows. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The migrations for one set of table names, as core's migration runner takes them. */
export function migrationsFor(names: TableNames): readonly SqlMigration[] {
  return MIGRATIONS.map((migration) => ({ version: migration.version, name: migration.name, sql: migration.statements(names) }));
}
