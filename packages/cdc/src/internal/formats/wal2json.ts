import type { CdcValue, Row } from '../../cdc-value.js';
import type { BeforeImage, ChangeEvent, ChangeOperation } from '../../change-event.js';
import type { ColumnType } from '../../column-type.js';
import type { SourcePosition } from '../../source-info.js';
import { child, fail, type DecodeContext, type Path } from '../decode-context.js';
import { createEvent, createSource, pickColumns } from '../event-factory.js';
import {
  isJsonObject,
  optionalArray,
  optionalBoolean,
  optionalIdText,
  optionalObject,
  optionalString,
  optionalStringArray,
  requiredString,
  type JsonObject,
} from '../field-readers.js';
import type { FormatInput } from '../format-input.js';
import { parsePgLsn } from '../pg-lsn.js';
import { postgresColumnType } from '../sql-column-types.js';
import { parseIsoTimestamp } from '../temporal-format.js';
import { decodeCell, setOwn, type RowPlan } from '../value-decoders.js';

const V1_OPERATIONS: Readonly<Record<string, ChangeOperation>> = { insert: 'insert', update: 'update', delete: 'delete' };
const V2_OPERATIONS: Readonly<Record<string, ChangeOperation>> = { I: 'insert', U: 'update', D: 'delete' };
const textEncoder = new TextEncoder();

interface SharedFacts {
  readonly transactionId: string | null;
  readonly timeMs: number | null;
  readonly timeNs: bigint | null;
}

function sharedFacts(context: DecodeContext, message: JsonObject, path: Path): SharedFacts {
  const timestamp = optionalString(context, message, 'timestamp', path);
  const time = timestamp === null ? null : (parseIsoTimestamp(timestamp) ?? fail(context, 'invalid-field', child(path, 'timestamp'), 'must be a timestamp'));
  return { transactionId: optionalIdText(context, message, 'xid', path), timeMs: time?.ms ?? null, timeNs: time?.ns ?? null };
}

function lsnPosition(context: DecodeContext, message: JsonObject, field: string, path: Path): SourcePosition | null {
  const text = optionalString(context, message, field, path);
  if (text === null) return null;
  const lsn = parsePgLsn(text) ?? fail(context, 'invalid-field', child(path, field), "must be an LSN like '0/16D3220'");
  return { type: 'postgres', lsn, sequence: null };
}

/** Parallel name / type arrays as a type signature and the column types they imply (mapped lazily). */
function arrayTypes(context: DecodeContext, groups: readonly { names: readonly string[]; types: readonly string[] | null; path: Path; field: string }[]): { signature: string; types: () => Record<string, ColumnType> } {
  let signature = '';
  for (const group of groups) {
    if (group.types === null) continue;
    if (group.types.length !== group.names.length) fail(context, 'invalid-field', child(group.path, group.field), 'must have one type per column');
    for (let i = 0; i < group.names.length; i++) signature += `${group.names[i]!}\u0001${group.types[i]!}\u0002`;
  }
  return {
    signature,
    types: () => {
      const map: Record<string, ColumnType> = {};
      for (const group of groups) {
        if (group.types === null) continue;
        for (let i = 0; i < group.names.length; i++) {
          const type = postgresColumnType(group.types[i]!);
          if (type !== undefined) setOwn(map, group.names[i]!, type);
        }
      }
      return map;
    },
  };
}

/** A row from parallel `names` / `values` arrays (wal2json v1), decoding each cell in place. */
function rowFromArrays(context: DecodeContext, names: readonly string[], values: readonly unknown[], plan: RowPlan | undefined, path: Path): Row {
  if (values.length !== names.length) return fail(context, 'invalid-field', path, 'must have one value per column name');
  const row: Record<string, CdcValue> = {};
  for (let i = 0; i < names.length; i++) setOwn(row, names[i]!, decodeCell(names[i]!, values, i, plan, context, path));
  return row;
}

function imageOf(before: Row | null, after: Row | null): BeforeImage {
  if (before === null) return 'none';
  if (after === null) return 'key-only';
  return Object.keys(after).every((column) => Object.prototype.hasOwnProperty.call(before, column)) ? 'full' : 'key-only';
}

/**
 * Parses wal2json format-version 1: one message per transaction, `change[]` of
 * `{kind, schema, table, columnnames, columntypes, columnvalues, oldkeys}` (plus `xid`,
 * `timestamp`, `nextlsn` when enabled). `oldkeys` is the replica identity: a key-only before image
 * unless `REPLICA IDENTITY FULL` makes it every column.
 */
export function parseWal2JsonV1(input: FormatInput): ChangeEvent[] {
  const { message, context, path, facts } = input;
  const changesPath = child(path, 'change');
  const changes = optionalArray(context, message, 'change', path) ?? fail(context, 'missing-field', changesPath, 'is required in a wal2json v1 message');
  const shared = sharedFacts(context, message, path);
  return changes.map((change, index) => {
    const changePath = child(changesPath, index);
    if (!isJsonObject(change)) return fail(context, 'invalid-field', changePath, 'must be an object');
    const kind = requiredString(context, change, 'kind', changePath);
    const schema = optionalString(context, change, 'schema', changePath);
    const table = optionalString(context, change, 'table', changePath);
    const source = createSource({
      connector: 'wal2json',
      schema,
      table,
      transactionId: shared.transactionId,
      position: shared.transactionId === null ? null : { type: 'ordinal', values: [shared.transactionId, index] },
      timeMs: shared.timeMs,
      timeNs: shared.timeNs,
    });
    const transaction = shared.transactionId === null ? null : { id: shared.transactionId, totalOrder: index + 1, dataCollectionOrder: null, messageEventCount: changes.length };
    if (kind === 'message') return createEvent(facts, { kind: 'message', source, indexInMessage: index, transaction, message: textMessage(context, change, changePath) });
    if (kind === 'truncate') return createEvent(facts, { kind: 'truncate', operation: 'truncate', source, indexInMessage: index, transaction });
    const operation = V1_OPERATIONS[kind];
    if (operation === undefined) return fail(context, 'unsupported', child(changePath, 'kind'), 'is not insert, update, delete, truncate or message');
    const names = optionalStringArray(context, change, 'columnnames', changePath) ?? [];
    const types = optionalStringArray(context, change, 'columntypes', changePath);
    const values = optionalArray(context, change, 'columnvalues', changePath) ?? [];
    const oldKeys = optionalObject(context, change, 'oldkeys', changePath);
    const oldKeysPath = child(changePath, 'oldkeys');
    const keyNames = oldKeys === null ? null : (optionalStringArray(context, oldKeys, 'keynames', oldKeysPath) ?? []);
    const keyTypes = oldKeys === null ? null : optionalStringArray(context, oldKeys, 'keytypes', oldKeysPath);
    const keyValues = oldKeys === null ? null : (optionalArray(context, oldKeys, 'keyvalues', oldKeysPath) ?? []);
    const pk = optionalObject(context, change, 'pk', changePath);
    const pkNames = pk === null ? null : optionalStringArray(context, pk, 'pknames', child(changePath, 'pk'));
    const messageTypes = arrayTypes(context, [
      { names, types, path: changePath, field: 'columntypes' },
      { names: keyNames ?? [], types: keyNames === null ? null : keyTypes, path: oldKeysPath, field: 'keytypes' },
    ]);
    const plan = input.tables.planFor(null, schema, table, messageTypes);
    const row = names.length === 0 ? null : rowFromArrays(context, names, values, plan, child(changePath, 'columnvalues'));
    const identity = keyNames === null || keyValues === null ? null : rowFromArrays(context, keyNames, keyValues, plan, child(oldKeysPath, 'keyvalues'));
    const before = operation === 'insert' ? null : identity;
    const after = operation === 'delete' ? null : row;
    const primaryKey = pkNames ?? keyNames;
    return createEvent(facts, { kind: 'change', source, indexInMessage: index, transaction, operation, before, after, beforeImage: imageOf(before, after), key: pickColumns(after ?? before, primaryKey), primaryKey });
  });
}

function textMessage(context: DecodeContext, change: JsonObject, path: Path): ChangeEvent['message'] {
  return {
    prefix: optionalString(context, change, 'prefix', path) ?? '',
    content: textEncoder.encode(optionalString(context, change, 'content', path) ?? ''),
    transactional: optionalBoolean(context, change, 'transactional', path),
  };
}

/** A row from wal2json v2 `[{name, type, value}]`, decoding each `value` in place. */
function rowFromColumns(context: DecodeContext, columns: readonly unknown[], plan: RowPlan | undefined, path: Path): Row {
  const row: Record<string, CdcValue> = {};
  for (let i = 0; i < columns.length; i++) {
    const column: unknown = columns[i];
    if (!isJsonObject(column)) return fail(context, 'invalid-field', child(path, i), 'must be a {name, type, value} object');
    const name = requiredString(context, column, 'name', child(path, i));
    setOwn(row, name, decodeCell(name, column, 'value', plan, context, child(path, i)));
  }
  return row;
}

/** `[{name, type}]` column lists as a type signature and the column types they imply (mapped lazily). */
function objectTypes(lists: readonly (readonly unknown[] | null)[]): { signature: string; types: () => Record<string, ColumnType> } {
  let signature = '';
  for (const list of lists) {
    if (list === null) continue;
    for (const column of list) {
      if (isJsonObject(column) && typeof column.name === 'string' && typeof column.type === 'string') signature += `${column.name}\u0001${column.type}\u0002`;
    }
  }
  return {
    signature,
    types: () => {
      const map: Record<string, ColumnType> = {};
      for (const list of lists) {
        if (list === null) continue;
        for (const column of list) {
          if (!isJsonObject(column) || typeof column.name !== 'string' || typeof column.type !== 'string') continue;
          const type = postgresColumnType(column.type);
          if (type !== undefined) setOwn(map, column.name, type);
        }
      }
      return map;
    },
  };
}

/**
 * Parses wal2json format-version 2: one change per message, `action` I/U/D/T (B/C transaction
 * boundaries, M logical messages), `columns[]` and `identity[]` of `{name, type, value}`, `pk[]`
 * when `include-pk` is on.
 */
export function parseWal2JsonV2(input: FormatInput): ChangeEvent[] {
  const { message, context, path, facts } = input;
  const action = requiredString(context, message, 'action', path);
  const shared = sharedFacts(context, message, path);
  const schema = optionalString(context, message, 'schema', path);
  const table = optionalString(context, message, 'table', path);
  const source = createSource({
    connector: 'wal2json',
    schema,
    table,
    transactionId: shared.transactionId,
    position: lsnPosition(context, message, 'lsn', path),
    timeMs: shared.timeMs,
    timeNs: shared.timeNs,
  });
  if (action === 'B' || action === 'C') {
    const id = shared.transactionId ?? fail(context, 'missing-field', child(path, 'xid'), 'is required for transaction boundaries', 'enable include-xids');
    return [createEvent(facts, { kind: action === 'B' ? 'transaction-begin' : 'transaction-end', source, transactionMarker: { status: action === 'B' ? 'BEGIN' : 'END', id, eventCount: null, dataCollections: null } })];
  }
  if (action === 'M') return [createEvent(facts, { kind: 'message', source, message: textMessage(context, message, path) })];
  if (action === 'T') return [createEvent(facts, { kind: 'truncate', operation: 'truncate', source })];
  const operation = V2_OPERATIONS[action];
  if (operation === undefined) return fail(context, 'unsupported', child(path, 'action'), 'is not I, U, D, T, B, C or M');
  const columns = optionalArray(context, message, 'columns', path);
  const identity = optionalArray(context, message, 'identity', path);
  const pk = optionalArray(context, message, 'pk', path);
  const plan = input.tables.planFor(null, schema, table, objectTypes([columns, identity]));
  const after = operation === 'delete' || columns === null ? null : rowFromColumns(context, columns, plan, child(path, 'columns'));
  const before = operation === 'insert' || identity === null ? null : rowFromColumns(context, identity, plan, child(path, 'identity'));
  const primaryKey = pk !== null ? pk.flatMap((entry) => (isJsonObject(entry) && typeof entry.name === 'string' ? [entry.name] : [])) : before === null ? null : Object.keys(before);
  return [createEvent(facts, { kind: 'change', operation, before, after, beforeImage: imageOf(before, after), key: pickColumns(after ?? before, primaryKey), primaryKey, source })];
}
