import type { Row } from '../../cdc-value.js';
import type { ChangeEvent, ChangeOperation } from '../../change-event.js';
import type { SourcePosition } from '../../source-info.js';
import { child, fail, type DecodeContext, type Path } from '../decode-context.js';
import { createEvent, createSource, pickColumns } from '../event-factory.js';
import { optionalArray, optionalIdText, optionalInteger, optionalIsoTime, optionalObject, optionalString, optionalStringArray, type JsonObject } from '../field-readers.js';
import type { FormatInput } from '../format-input.js';
import { parsePgLsn } from '../pg-lsn.js';
import { decodeRow } from '../value-decoders.js';

function positionOf(context: DecodeContext, message: JsonObject, metadata: JsonObject, path: Path, metadataPath: Path): SourcePosition | null {
  const file = optionalString(context, metadata, 'log_file', metadataPath);
  const offset = optionalInteger(context, metadata, 'log_position', metadataPath);
  if (file !== null && offset !== null) return { type: 'mysql', file, position: offset, row: null, gtid: null, serverId: null };
  const lsn = optionalString(context, metadata, 'lsn', metadataPath);
  const parsedLsn = lsn === null ? undefined : parsePgLsn(lsn);
  if (parsedLsn !== undefined) return { type: 'postgres', lsn: parsedLsn, sequence: null };
  const scn = optionalIdText(context, metadata, 'scn', metadataPath);
  if (scn !== null) return { type: 'oracle', scn, commitScn: null };
  const sortKeys = optionalArray(context, message, 'sort_keys', path);
  if (sortKeys === null) return null;
  const values = sortKeys.map((value, index) =>
    typeof value === 'string' || typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value)) ? value : fail(context, 'invalid-field', child(child(path, 'sort_keys'), index), 'must be a string or a number'),
  );
  return { type: 'ordinal', values };
}

/**
 * Parses a Google Datastream JSON event: `payload` (the row), `source_metadata` (`table`,
 * `database`/`schema`, `primary_keys`, `change_type`, `is_deleted`, log position), `read_method`
 * (`*-backfill-*` reads are snapshot reads), `source_timestamp` and `read_timestamp`.
 * `UPDATE-DELETE` carries the old row (before only), `UPDATE-INSERT` the new row (after only).
 */
export function parseDatastream(input: FormatInput): ChangeEvent[] {
  const { message, context, path, facts } = input;
  const metadataPath = child(path, 'source_metadata');
  const metadata = optionalObject(context, message, 'source_metadata', path) ?? fail(context, 'missing-field', metadataPath, 'is required in a Datastream event');
  const changeType = optionalString(context, metadata, 'change_type', metadataPath) ?? 'INSERT';
  const readMethod = optionalString(context, message, 'read_method', path) ?? '';
  const backfill = readMethod.includes('backfill');
  const database = optionalString(context, metadata, 'database', metadataPath);
  const schema = optionalString(context, metadata, 'schema', metadataPath);
  const table = optionalString(context, metadata, 'table', metadataPath);
  const sourceTime = optionalIsoTime(context, message, 'source_timestamp', path);
  const readTime = optionalIsoTime(context, message, 'read_timestamp', path);
  let operation: ChangeOperation;
  let rowIsBefore = false;
  switch (changeType) {
    case 'INSERT':
      operation = backfill ? 'read' : 'insert';
      break;
    case 'UPDATE':
    case 'UPDATE-INSERT':
      operation = 'update';
      break;
    case 'UPDATE-DELETE':
      operation = 'update';
      rowIsBefore = true;
      break;
    case 'DELETE':
      operation = 'delete';
      rowIsBefore = true;
      break;
    default:
      return fail(context, 'unsupported', child(metadataPath, 'change_type'), 'is not INSERT, UPDATE, UPDATE-INSERT, UPDATE-DELETE or DELETE');
  }
  const payloadPath = child(path, 'payload');
  const payload = optionalObject(context, message, 'payload', path) ?? fail(context, 'missing-field', payloadPath, 'is required in a Datastream event');
  const row: Row = decodeRow(payload, input.tables.planFor(database, schema, table), context, payloadPath);
  const primaryKey = optionalStringArray(context, metadata, 'primary_keys', metadataPath);
  const source = createSource({
    connector: 'datastream',
    database,
    schema,
    table,
    position: positionOf(context, message, metadata, path, metadataPath),
    transactionId: optionalIdText(context, metadata, 'tx_id', metadataPath),
    snapshot: backfill ? 'true' : null,
    isSnapshot: backfill,
    timeMs: sourceTime?.ms ?? null,
    timeNs: sourceTime?.ns ?? null,
  });
  return [
    createEvent(facts, {
      kind: 'change',
      operation,
      before: rowIsBefore ? row : null,
      after: rowIsBefore ? null : row,
      key: pickColumns(row, primaryKey),
      primaryKey,
      source,
      eventTimeMs: readTime?.ms ?? null,
      eventTimeNs: readTime?.ns ?? null,
    }),
  ];
}
