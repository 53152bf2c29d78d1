import type { CdcFormat } from '../cdc-format.js';
import type { Row } from '../cdc-value.js';
import type { BeforeImage, ChangeEvent, ChangeEventKind, ChangeOperation, LogicalMessage, SchemaChange, TransactionBlock, TransactionMarker } from '../change-event.js';
import type { SnapshotMarker, SourceInfo, SourcePosition } from '../source-info.js';
import { assignOwn, setOwn } from './value-decoders.js';

/** What a format parser knows about an event; everything else defaults to null. */
export interface EventInit {
  readonly kind: ChangeEventKind;
  readonly operation?: ChangeOperation | null;
  readonly before?: Row | null;
  readonly after?: Row | null;
  readonly beforeImage?: BeforeImage;
  readonly key?: Row | null;
  readonly primaryKey?: readonly string[] | null;
  readonly source?: SourceInfo;
  readonly eventTimeMs?: number | null;
  readonly eventTimeNs?: bigint | null;
  readonly transaction?: TransactionBlock | null;
  readonly transactionMarker?: TransactionMarker | null;
  readonly message?: LogicalMessage | null;
  readonly schemaChange?: SchemaChange | null;
  readonly indexInMessage?: number;
}

/** A writable copy of a readonly shape (for inits built step by step). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Per-message facts every event of the message shares. */
export interface MessageFacts {
  readonly format: CdcFormat;
  readonly topic: string | null;
  readonly raw: unknown;
}

/** Builds a {@link ChangeEvent} with every field present (one object shape for all events). */
export function createEvent(facts: MessageFacts, init: EventInit): ChangeEvent {
  const before = init.before ?? null;
  return {
    format: facts.format,
    kind: init.kind,
    operation: init.operation ?? null,
    before,
    after: init.after ?? null,
    beforeImage: init.beforeImage ?? (before === null ? 'none' : 'full'),
    key: init.key ?? null,
    primaryKey: init.primaryKey ?? null,
    source: init.source ?? EMPTY_SOURCE,
    eventTimeMs: init.eventTimeMs ?? null,
    eventTimeNs: init.eventTimeNs ?? null,
    transaction: init.transaction ?? null,
    transactionMarker: init.transactionMarker ?? null,
    message: init.message ?? null,
    schemaChange: init.schemaChange ?? null,
    topic: facts.topic,
    indexInMessage: init.indexInMessage ?? 0,
    raw: facts.raw,
  };
}

/** What a format parser knows about a source; everything else defaults to null. */
export interface SourceInit {
  readonly connector?: string | null;
  readonly name?: string | null;
  readonly version?: string | null;
  readonly database?: string | null;
  readonly schema?: string | null;
  readonly table?: string | null;
  readonly position?: SourcePosition | null;
  readonly transactionId?: string | null;
  readonly snapshot?: SnapshotMarker | null;
  readonly isSnapshot?: boolean;
  readonly timeMs?: number | null;
  readonly timeNs?: bigint | null;
}

/** Builds a {@link SourceInfo} with every field present. */
export function createSource(init: SourceInit): SourceInfo {
  const snapshot = init.snapshot ?? null;
  return {
    connector: init.connector ?? null,
    name: init.name ?? null,
    version: init.version ?? null,
    database: init.database ?? null,
    schema: init.schema ?? null,
    table: init.table ?? null,
    position: init.position ?? null,
    transactionId: init.transactionId ?? null,
    snapshot,
    isSnapshot: init.isSnapshot ?? (snapshot !== null && snapshot !== 'false'),
    timeMs: init.timeMs ?? null,
    timeNs: init.timeNs ?? null,
  };
}

/** The source of events that carry none (tombstones without a topic, transaction markers). */
export const EMPTY_SOURCE: SourceInfo = Object.freeze(createSource({}));

const SNAPSHOT_MARKERS: ReadonlySet<string> = new Set(['true', 'false', 'first', 'last', 'first_in_data_collection', 'last_in_data_collection', 'incremental']);

/** Normalises Debezium's snapshot marker from a string or a boolean. */
export function normaliseSnapshot(value: unknown): SnapshotMarker | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value !== 'string') return undefined;
  return SNAPSHOT_MARKERS.has(value) ? (value as SnapshotMarker) : 'other';
}

/** Picks the named columns of a row (for keys); null when the row lacks one of them. */
export function pickColumns(row: Row | null, columns: readonly string[] | null): Row | null {
  if (row === null || columns === null || columns.length === 0) return null;
  const key: Record<string, unknown> = {};
  for (const column of columns) {
    if (!Object.prototype.hasOwnProperty.call(row, column)) return null;
    setOwn(key, column, row[column]);
  }
  return key as Row;
}

/** `row` with the columns of `changes` replaced (Maxwell / Canal `old`: the previous values of changed columns). */
export function overlayRow(row: Row, changes: Row): Row {
  return assignOwn({}, row, changes);
}
