import type { Row } from '../../cdc-value.js';
import type { ChangeEvent, ChangeOperation } from '../../change-event.js';
import type { SourcePosition } from '../../source-info.js';
import { child, fail, type DecodeContext, type Path } from '../decode-context.js';
import { createEvent, createSource, overlayRow, pickColumns } from '../event-factory.js';
import { optionalIdText, optionalInteger, optionalObject, optionalSafeInteger, optionalString, optionalStringArray, requiredString, type JsonObject } from '../field-readers.js';
import type { FormatInput } from '../format-input.js';
import { decodeRow } from '../value-decoders.js';

const ROW_OPERATIONS: Readonly<Record<string, ChangeOperation>> = { insert: 'insert', update: 'update', delete: 'delete', 'bootstrap-insert': 'read' };
const CONTROL_TYPES = new Set(['bootstrap-start', 'bootstrap-complete']);
const BINLOG_POSITION = /^(.+):(\d+)$/;

function positionOf(context: DecodeContext, message: JsonObject, path: Path): SourcePosition | null {
  const text = optionalString(context, message, 'position', path);
  const gtid = optionalString(context, message, 'gtid', path);
  const serverId = optionalInteger(context, message, 'server_id', path);
  if (text !== null) {
    const match = BINLOG_POSITION.exec(text);
    if (match === null) return fail(context, 'invalid-field', child(path, 'position'), "must be 'file:offset'");
    return { type: 'mysql', file: match[1]!, position: Number(match[2]), row: null, gtid, serverId };
  }
  const xid = optionalInteger(context, message, 'xid', path);
  if (xid === null) return null;
  const xoffset = optionalInteger(context, message, 'xoffset', path);
  return { type: 'ordinal', values: xoffset === null ? [xid] : [xid, xoffset] };
}

/**
 * Parses a Maxwell's daemon record: `database`, `table`, `type` (insert / update / delete /
 * bootstrap-insert / table-* / database-*), `ts` in seconds, `xid`, `data`, and `old` holding the
 * previous values of the changed columns only (so `before` is `data` overlaid with `old`).
 * `bootstrap-start` / `bootstrap-complete` markers carry no change: no events.
 */
export function parseMaxwell(input: FormatInput): ChangeEvent[] {
  const { message, context, path, facts } = input;
  const type = requiredString(context, message, 'type', path);
  if (CONTROL_TYPES.has(type)) return [];
  const database = optionalString(context, message, 'database', path);
  const table = optionalString(context, message, 'table', path);
  const seconds = optionalSafeInteger(context, message, 'ts', path);
  const ms = optionalSafeInteger(context, message, 'ts_ms', path) ?? (seconds === null ? null : seconds * 1000);
  const operation = ROW_OPERATIONS[type];
  const source = createSource({
    connector: 'maxwell',
    database,
    table,
    position: positionOf(context, message, path),
    transactionId: optionalIdText(context, message, 'xid', path),
    snapshot: operation === 'read' ? 'true' : null,
    isSnapshot: operation === 'read',
    timeMs: ms,
  });
  if (type.startsWith('table-') || type.startsWith('database-')) {
    return [createEvent(facts, { kind: 'schema-change', source, schemaChange: { ddl: optionalString(context, message, 'sql', path), type } })];
  }
  if (operation === undefined) return fail(context, 'unsupported', child(path, 'type'), 'is not a Maxwell row or DDL type');
  const plan = input.tables.planFor(database, null, table);
  const dataPath = child(path, 'data');
  const data = optionalObject(context, message, 'data', path) ?? fail(context, 'missing-field', dataPath, 'is required in a Maxwell row event');
  const row = decodeRow(data, plan, context, dataPath);
  const primaryKey = optionalStringArray(context, message, 'primary_key_columns', path);
  let before: Row | null = null;
  let after: Row | null = row;
  if (operation === 'delete') {
    before = row;
    after = null;
  } else if (operation === 'update') {
    const old = optionalObject(context, message, 'old', path);
    if (old !== null) {
      before = overlayRow(row, decodeRow(old, plan, context, child(path, 'old')));
    }
  }
  return [
    createEvent(facts, {
      kind: 'change',
      operation,
      before,
      after,
      key: pickColumns(after ?? before, primaryKey) ?? input.key,
      primaryKey,
      source,
    }),
  ];
}
