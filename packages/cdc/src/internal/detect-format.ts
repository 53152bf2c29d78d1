import type { CdcFormat } from '../cdc-format.js';
import { has, isJsonObject, type JsonObject } from './field-readers.js';
import { looksFlattened } from './formats/debezium-flattened.js';
import { isDebeziumSchemaChange } from './formats/debezium-schema-change.js';

const HEARTBEAT_SCHEMA = 'io.debezium.connector.common.Heartbeat';

/**
 * Recognises the format of a message by its shape (first match wins):
 * Debezium envelope (`op`), transaction record (`status` + `id` + `event_count`), schema-change
 * record (`ddl` + `source` + `tableChanges` / `databaseName`), heartbeat (only
 * `ts_ms`), flattened Debezium (`__op` / `__deleted`, or a Connect-wrapped record without envelope
 * fields), AWS DMS (`metadata.record-type`), Canal (`isDdl`), wal2json v1 (`change[]`), wal2json
 * v2 (one-letter `action`), Datastream (`source_metadata`), Maxwell (`database` + `type`).
 */
export function detectFormat(message: JsonObject, schema: JsonObject | null, wrapped: boolean, flattenedPrefix: string): CdcFormat | undefined {
  if (typeof message.op === 'string') return 'debezium';
  if (typeof message.status === 'string' && has(message, 'id') && (has(message, 'event_count') || has(message, 'data_collections'))) return 'debezium';
  if (isDebeziumSchemaChange(message)) return 'debezium';
  const keys = Object.keys(message);
  if ((keys.length === 1 && keys[0] === 'ts_ms') || schema?.name === HEARTBEAT_SCHEMA) return 'debezium';
  if (looksFlattened(message, flattenedPrefix)) return 'debezium-flattened';
  if (isJsonObject(message.metadata) && typeof message.metadata['record-type'] === 'string') return 'aws-dms';
  if (typeof message.isDdl === 'boolean' && typeof message.type === 'string') return 'canal';
  if (Array.isArray(message.change)) return 'wal2json-v1';
  if (typeof message.action === 'string' && message.action.length === 1) return 'wal2json-v2';
  if (isJsonObject(message.source_metadata)) return 'datastream';
  if (typeof message.type === 'string' && has(message, 'database') && has(message, 'table')) return 'maxwell';
  // a Kafka Connect record that is not an envelope: a flattened row without metadata fields
  if (wrapped && schema !== null && schema.type === 'struct' && !has(message, 'before') && !has(message, 'after')) return 'debezium-flattened';
  return undefined;
}
