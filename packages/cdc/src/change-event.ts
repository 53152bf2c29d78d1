import type { CdcFormat } from './cdc-format.js';
import type { Row } from './cdc-value.js';
import type { SourceInfo } from './source-info.js';

/**
 * What an event is.
 *
 * - `change`: a row was inserted, updated, deleted or read by a snapshot (see `operation`);
 * - `tombstone`: the null-valued record Kafka log compaction needs after a delete (only `key`);
 * - `heartbeat`: a connector liveness record (only `source.name` and times);
 * - `transaction-begin` / `transaction-end`: transaction boundaries (`transactionMarker`);
 * - `truncate`: a table was truncated (`operation: 'truncate'`);
 * - `message`: a logical decoding message (`message`);
 * - `schema-change`: DDL (`schemaChange`).
 */
export type ChangeEventKind = 'change' | 'tombstone' | 'heartbeat' | 'transaction-begin' | 'transaction-end' | 'truncate' | 'message' | 'schema-change';

/**
 * The row operation of a `change` (or `truncate`) event. `read` is a snapshot read; `upsert` is an
 * insert or an update that the format does not tell apart (flattened Debezium without `__op`).
 */
export type ChangeOperation = 'insert' | 'update' | 'delete' | 'read' | 'upsert' | 'truncate';

/**
 * What `before` holds: every column (`full`), some columns (`partial`, e.g. DMS before-image
 * columns for a subset), only the replica identity / key (`key-only`, e.g. PostgreSQL
 * `REPLICA IDENTITY DEFAULT` deletes, wal2json `oldkeys`), or nothing (`none`).
 */
export type BeforeImage = 'full' | 'partial' | 'key-only' | 'none';

/** Debezium's transaction block on a data event. */
export interface TransactionBlock {
  /** Transaction id (PostgreSQL `txId:LSN`, MySQL GTID, ...). */
  readonly id: string;
  /** Position of the event among all events of the transaction (1-based), when given. */
  readonly totalOrder: number | null;
  /** Position among the transaction's events for the same table (1-based), when given. */
  readonly dataCollectionOrder: number | null;
  /**
   * Set when one message carries the whole transaction (wal2json format 1): how many events that
   * message holds, so the transaction is complete without an END marker.
   */
  readonly messageEventCount?: number;
}

/** Event count of one table in a transaction. */
export interface DataCollectionCount {
  /** `schema.table` or `database.table`, as the connector names it. */
  readonly dataCollection: string;
  readonly eventCount: number;
}

/** A transaction boundary (Debezium transaction topic, wal2json v2 `B`/`C`). */
export interface TransactionMarker {
  readonly status: 'BEGIN' | 'END';
  readonly id: string;
  /** Total data events in the transaction (END only). */
  readonly eventCount: number | null;
  /** Per-table event counts (END only). */
  readonly dataCollections: readonly DataCollectionCount[] | null;
}

/** A logical decoding message (`pg_logical_emit_message`). */
export interface LogicalMessage {
  readonly prefix: string;
  /** The message bytes (text messages are UTF-8 encoded). */
  readonly content: Uint8Array;
  /** Whether it was emitted inside a transaction, when known. */
  readonly transactional: boolean | null;
}

/** A schema change (DDL). */
export interface SchemaChange {
  /** The DDL statement when the format carries it. */
  readonly ddl: string | null;
  /** The tool's name for the change (`ALTER`, `table-create`, `add-column`, ...). */
  readonly type: string | null;
}

/**
 * One typed change event, the same shape for every format. Fields that do not apply to an event
 * are null; `raw` is the parsed message it came from (shared by every event of a multi-row
 * message).
 *
 * @example
 * ```ts
 * function apply(event: ChangeEvent): void {
 *   if (event.kind !== 'change') return;
 *   const table = `${event.source.schema ?? event.source.database}.${event.source.table}`;
 *   if (event.operation === 'delete') store.delete(table, event.key ?? event.before);
 *   else store.upsert(table, event.after);
 * }
 * ```
 */
export interface ChangeEvent {
  readonly format: CdcFormat;
  readonly kind: ChangeEventKind;
  /** Row operation for `change` and `truncate` events; null otherwise. */
  readonly operation: ChangeOperation | null;
  /** Row before the change (see `beforeImage` for how complete it is). */
  readonly before: Row | null;
  /** Row after the change. */
  readonly after: Row | null;
  readonly beforeImage: BeforeImage;
  /** The record key, or the key columns the format names. */
  readonly key: Row | null;
  /** Names of the primary-key (or replica identity) columns when known. */
  readonly primaryKey: readonly string[] | null;
  readonly source: SourceInfo;
  /** When the CDC tool processed the change (Debezium `ts_ms`), in ms since the epoch. */
  readonly eventTimeMs: number | null;
  /** The same in ns since the epoch, exact, when sub-millisecond precision is given (`ts_ns`, `ts_us`, ISO fractions); else null. */
  readonly eventTimeNs: bigint | null;
  /** Debezium transaction block (`id`, `total_order`, `data_collection_order`). */
  readonly transaction: TransactionBlock | null;
  /** Set on `transaction-begin` / `transaction-end` events. */
  readonly transactionMarker: TransactionMarker | null;
  /** Set on `message` events. */
  readonly message: LogicalMessage | null;
  /** Set on `schema-change` events. */
  readonly schemaChange: SchemaChange | null;
  /** Kafka topic when the caller passed it. */
  readonly topic: string | null;
  /** Index of this event among the events of its message (0 for single-event messages). */
  readonly indexInMessage: number;
  /** The parsed message (lossless: integers beyond 2^53 are bigint). */
  readonly raw: unknown;
}
