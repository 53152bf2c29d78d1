import type { Row } from '../../cdc-value.js';
import type { ChangeEvent, ChangeOperation } from '../../change-event.js';
import type { SourcePosition } from '../../source-info.js';
import { compileStructFields } from '../connect-schema.js';
import { child, fail } from '../decode-context.js';
import { createEvent, createSource, normaliseSnapshot } from '../event-factory.js';
import { optionalIdText, optionalInteger, optionalSafeInteger, optionalString, toBigInt, type JsonObject } from '../field-readers.js';
import type { EnvelopePlans, FormatInput } from '../format-input.js';
import { decodeRow, setOwn } from '../value-decoders.js';

const OPERATIONS: Readonly<Record<string, ChangeOperation>> = { c: 'insert', u: 'update', d: 'delete', r: 'read' };

/** True when the message has a metadata field of `ExtractNewRecordState` (`__op`, `__deleted`, ...). */
export function looksFlattened(message: JsonObject, prefix: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, `${prefix}op`) || Object.prototype.hasOwnProperty.call(message, `${prefix}deleted`);
}

/** Compiles the row plan of a flattened record's schema (a struct of columns). */
export function compileFlattenedPlans(schema: JsonObject | null, input: Pick<FormatInput, 'context'>): EnvelopePlans {
  if (schema === null || schema.type !== 'struct') return { before: undefined, after: undefined };
  const plan = compileStructFields(schema, input.context, ['schema']);
  return { before: plan, after: plan };
}

/**
 * Parses a row flattened by `io.debezium.transforms.ExtractNewRecordState`: the columns plus
 * metadata fields with the configured prefix (`__op`, `__deleted`, `__table`, `__db`, `__schema`,
 * `__lsn`, `__ts_ms`, `__source_ts_ms`, ...). Every prefixed field is metadata, never a column.
 * Without `__op` the operation is `delete` when `__deleted` is true, else `upsert`.
 */
export function parseDebeziumFlattened(input: FormatInput): ChangeEvent[] {
  const { message, context, path, facts } = input;
  const prefix = context.options.flattenedFieldPrefix;
  const columns: Record<string, unknown> = {};
  for (const name of Object.keys(message)) {
    if (!name.startsWith(prefix)) setOwn(columns, name, message[name]);
  }
  const metaPath = path;
  const field = (name: string): string => `${prefix}${name}`;
  const op = optionalString(context, message, field('op'), metaPath);
  const deletedFlag = message[field('deleted')];
  const deleted = deletedFlag === true || deletedFlag === 'true';
  if (deletedFlag !== undefined && deletedFlag !== null && typeof deletedFlag !== 'boolean' && deletedFlag !== 'true' && deletedFlag !== 'false') {
    return fail(context, 'invalid-field', child(path, field('deleted')), "must be true, false, 'true' or 'false'");
  }
  let operation: ChangeOperation = deleted ? 'delete' : 'upsert';
  if (op !== null) {
    const mapped = OPERATIONS[op];
    if (mapped === undefined) return fail(context, 'invalid-field', child(path, field('op')), 'is not a Debezium operation (c, u, d or r)');
    operation = mapped;
  }

  const snapshot = normaliseSnapshot(message[field('source_snapshot')] ?? message[field('snapshot')]);
  if (snapshot === undefined) return fail(context, 'invalid-field', child(path, field('source_snapshot')), 'must be a string or a boolean');
  const lsn = optionalInteger(context, message, field('lsn'), metaPath) ?? optionalInteger(context, message, field('source_lsn'), metaPath);
  const position: SourcePosition | null = lsn === null ? null : { type: 'postgres', lsn: toBigInt(lsn), sequence: null };
  const sourceTimeMs = optionalSafeInteger(context, message, field('source_ts_ms'), metaPath);
  const source = createSource({
    connector: optionalString(context, message, field('source_connector'), metaPath),
    name: optionalString(context, message, field('source_name'), metaPath),
    database: optionalString(context, message, field('db'), metaPath) ?? optionalString(context, message, field('source_db'), metaPath),
    schema: optionalString(context, message, field('schema'), metaPath) ?? optionalString(context, message, field('source_schema'), metaPath),
    table: optionalString(context, message, field('table'), metaPath) ?? optionalString(context, message, field('source_table'), metaPath),
    transactionId: optionalIdText(context, message, field('txId'), metaPath) ?? optionalIdText(context, message, field('source_txId'), metaPath),
    position,
    snapshot,
    isSnapshot: operation === 'read' || (snapshot !== null && snapshot !== 'false'),
    timeMs: sourceTimeMs,
  });
  const plans = input.plans ?? (input.schema === null ? { after: input.tables.planFor(source.database, source.schema, source.table) } : compileFlattenedPlans(input.schema, input));
  const row: Row = decodeRow(columns, plans.after, context, path);
  const eventTimeMs = optionalSafeInteger(context, message, field('ts_ms'), metaPath);
  return [
    createEvent(facts, {
      kind: 'change',
      operation,
      before: operation === 'delete' ? row : null,
      after: operation === 'delete' ? null : row,
      key: input.key,
      primaryKey: input.key === null ? null : Object.keys(input.key),
      source,
      eventTimeMs,
      eventTimeNs: null,
    }),
  ];
}
