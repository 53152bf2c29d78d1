import type { Row } from '../../cdc-value.js';
import type { ChangeEvent, ChangeOperation } from '../../change-event.js';
import type { ColumnType } from '../../column-type.js';
import { child, fail, type DecodeContext, type Path } from '../decode-context.js';
import { createEvent, createSource, overlayRow, pickColumns } from '../event-factory.js';
import { isJsonObject, optionalArray, optionalBoolean, optionalInteger, optionalObject, optionalSafeInteger, optionalString, optionalStringArray, requiredString, type JsonObject } from '../field-readers.js';
import type { FormatInput } from '../format-input.js';
import { mysqlColumnType } from '../sql-column-types.js';
import { decodeRow, setOwn } from '../value-decoders.js';

const OPERATIONS: Readonly<Record<string, ChangeOperation>> = { INSERT: 'insert', UPDATE: 'update', DELETE: 'delete' };

/** Canal's `mysqlType` as a type signature and the column types it implies (mapped lazily). */
function messageColumnTypes(context: DecodeContext, message: JsonObject, path: Path): { signature: string; types: () => Record<string, ColumnType> } | undefined {
  const mysqlType = optionalObject(context, message, 'mysqlType', path);
  if (mysqlType === null) return undefined;
  let signature = '';
  for (const column of Object.keys(mysqlType)) {
    const name = mysqlType[column];
    if (typeof name !== 'string') return fail(context, 'invalid-field', child(child(path, 'mysqlType'), column), 'must be a MySQL type name');
    signature += `${column}\u0001${name}\u0002`;
  }
  return {
    signature,
    types: () => {
      const types: Record<string, ColumnType> = {};
      for (const column of Object.keys(mysqlType)) {
        const type = mysqlColumnType(mysqlType[column] as string);
        if (type !== undefined) setOwn(types, column, type);
      }
      return types;
    },
  };
}

/**
 * Parses a Canal flat message: one event per element of `data` (values are strings, typed by
 * `mysqlType`), `old[i]` holding the previous values of the changed columns of row `i`, `es` the
 * execution time in the database and `ts` Canal's time. DDL (`isDdl`) becomes a schema-change (a
 * `TRUNCATE` a truncate) event.
 */
export function parseCanal(input: FormatInput): ChangeEvent[] {
  const { message, context, path, facts } = input;
  const type = requiredString(context, message, 'type', path);
  const isDdl = optionalBoolean(context, message, 'isDdl', path) ?? false;
  const database = optionalString(context, message, 'database', path);
  const table = optionalString(context, message, 'table', path);
  const executedMs = optionalSafeInteger(context, message, 'es', path);
  const eventTimeMs = optionalSafeInteger(context, message, 'ts', path);
  const messageId = optionalInteger(context, message, 'id', path);
  const eventTimeNs = null;
  const sourceFor = (row: number) =>
    createSource({
      connector: 'canal',
      database,
      table,
      position: { type: 'ordinal', values: [executedMs ?? 0, messageId ?? 0, row] },
      timeMs: executedMs,
    });
  if (isDdl) {
    if (type === 'TRUNCATE') return [createEvent(facts, { kind: 'truncate', operation: 'truncate', source: sourceFor(0), eventTimeMs, eventTimeNs })];
    return [createEvent(facts, { kind: 'schema-change', source: sourceFor(0), eventTimeMs, eventTimeNs, schemaChange: { ddl: optionalString(context, message, 'sql', path), type } })];
  }
  const operation = OPERATIONS[type];
  if (operation === undefined) return fail(context, 'unsupported', child(path, 'type'), 'is not INSERT, UPDATE or DELETE');
  const dataPath = child(path, 'data');
  const rows = optionalArray(context, message, 'data', path) ?? fail(context, 'missing-field', dataPath, 'is required in a Canal row message');
  const olds = optionalArray(context, message, 'old', path);
  const primaryKey = optionalStringArray(context, message, 'pkNames', path);
  const plan = input.tables.planFor(database, null, table, messageColumnTypes(context, message, path));
  return rows.map((data, index) => {
    const row = decodeRow(data, plan, context, child(dataPath, index));
    let before: Row | null = null;
    let after: Row | null = row;
    if (operation === 'delete') {
      before = row;
      after = null;
    } else if (operation === 'update' && olds !== null) {
      const old: unknown = olds[index];
      if (old !== undefined && old !== null) {
        if (!isJsonObject(old)) return fail(context, 'invalid-field', child(child(path, 'old'), index), 'must be an object');
        before = overlayRow(row, decodeRow(old, plan, context, child(child(path, 'old'), index)));
      }
    }
    return createEvent(facts, {
      kind: 'change',
      operation,
      before,
      after,
      key: pickColumns(after ?? before, primaryKey),
      primaryKey,
      source: sourceFor(index),
      eventTimeMs,
      eventTimeNs,
      indexInMessage: index,
    });
  });
}
