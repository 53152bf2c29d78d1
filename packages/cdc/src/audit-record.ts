import type { CdcFormat } from './cdc-format.js';
import type { ChangeEvent, ChangeEventKind, ChangeOperation } from './change-event.js';
import { changedFields } from './changed-fields.js';
import { deterministicUuid } from './internal/deterministic-id.js';
import { canonicalJson, toJsonSafe, type JsonSafeValue } from './internal/json-safe.js';
import { formatSourcePosition } from './internal/position-text.js';

/** A column value in an audit record: plain JSON (bigints and decimals as exact strings, bytes as base64). */
export type AuditValue = JsonSafeValue;

/** Options of {@link toAuditRecord}. */
export interface AuditRecordOptions {
  /**
   * Include the record key's values (`key`).
   * @defaultValue `false`
   */
  readonly includeKey?: boolean;
  /**
   * Include the row images (`before`, `after`) as plain JSON.
   * @defaultValue `false`
   */
  readonly includeValues?: boolean;
}

/**
 * A value-free (unless asked) audit record of a change, safe for any log. `id` is derived from
 * the source position, table, operation and key, so writing the record twice (redelivery,
 * replay) writes the same id: use it as the primary key of the audit table.
 */
export interface AuditRecord {
  /** Deterministic UUID-formatted id (version 8): same change, same id. */
  readonly id: string;
  readonly format: CdcFormat;
  readonly kind: ChangeEventKind;
  readonly operation: ChangeOperation | null;
  readonly database: string | null;
  readonly schema: string | null;
  readonly table: string | null;
  /** When the change happened: the source (commit) time, else the CDC tool's time. */
  readonly occurredAt: string | null;
  readonly occurredAtMs: number | null;
  readonly transactionId: string | null;
  /** The source position as text (`postgres lsn=0/2082E28`), when the format gives one. */
  readonly position: string | null;
  /** Names of the fields that changed. */
  readonly changedFields: readonly string[];
  /** Names of the fields whose change the message cannot tell. */
  readonly unknownFields: readonly string[];
  /** Whether a primary-key column changed (see `changedFields`). */
  readonly keyChanged: boolean | 'unknown';
  /** Present with `includeKey`. */
  readonly key?: AuditValue;
  /** Present with `includeValues`. */
  readonly before?: AuditValue;
  /** Present with `includeValues`. */
  readonly after?: AuditValue;
}

const AUDITED_KINDS: ReadonlySet<ChangeEventKind> = new Set(['change', 'truncate', 'schema-change']);

/**
 * The identity of a change: where it is in the source log and which row it touched. Without a
 * position the CDC tool's times and the row image stand in (a redelivered message still maps to
 * the same identity).
 */
function identityOf(event: ChangeEvent, position: string | null): string {
  const { source } = event;
  const parts: unknown[] = [event.format, source.connector, source.name, source.database, source.schema, source.table, event.kind, event.operation, position, event.indexInMessage];
  if (position === null) parts.push(source.transactionId, source.timeNs, event.eventTimeNs);
  if (event.key !== null) parts.push(event.key);
  else if (position === null || event.kind === 'change') parts.push(event.before, event.after);
  if (event.kind === 'schema-change') parts.push(event.schemaChange?.ddl ?? null, event.schemaChange?.type ?? null);
  return canonicalJson(parts);
}

/**
 * The audit record of a change, truncate or schema change (null for tombstones, heartbeats,
 * transaction markers and logical messages, which change no data).
 *
 * @example
 * ```ts
 * const record = toAuditRecord(event);
 * if (record) await db.query('insert into audit values ($1, $2) on conflict (id) do nothing', [record.id, record]);
 * ```
 */
export function toAuditRecord(event: ChangeEvent, options: AuditRecordOptions = {}): AuditRecord | null {
  if (!AUDITED_KINDS.has(event.kind)) return null;
  const position = event.source.position === null ? null : formatSourcePosition(event.source.position);
  const diff = changedFields(event);
  const occurredAtMs = event.source.timeMs ?? event.eventTimeMs;
  const occurredAt = occurredAtMs === null ? null : new Date(occurredAtMs).toISOString();
  const record: { -readonly [K in keyof AuditRecord]: AuditRecord[K] } = {
    id: deterministicUuid(identityOf(event, position)),
    format: event.format,
    kind: event.kind,
    operation: event.operation,
    database: event.source.database,
    schema: event.source.schema,
    table: event.source.table,
    occurredAt,
    occurredAtMs,
    transactionId: event.source.transactionId ?? event.transaction?.id ?? null,
    position,
    changedFields: diff.changed,
    unknownFields: diff.unknown,
    keyChanged: diff.keyChanged,
  };
  if (options.includeKey === true) record.key = toJsonSafe(event.key);
  if (options.includeValues === true) {
    record.before = toJsonSafe(event.before);
    record.after = toJsonSafe(event.after);
  }
  return record;
}
