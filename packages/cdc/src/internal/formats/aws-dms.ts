import type { Row } from '../../cdc-value.js';
import type { BeforeImage, ChangeEvent, ChangeOperation } from '../../change-event.js';
import { child, fail, type DecodeContext, type Path } from '../decode-context.js';
import { createEvent, createSource } from '../event-factory.js';
import { optionalIdText, optionalIsoTime, optionalObject, optionalString, requiredString, type JsonObject } from '../field-readers.js';
import type { FormatInput } from '../format-input.js';
import { decodeCell, setOwn, type RowPlan } from '../value-decoders.js';

const OPERATIONS: Readonly<Record<string, ChangeOperation>> = { load: 'read', insert: 'insert', update: 'update', delete: 'delete' };

/**
 * Parses an AWS DMS record (Kafka / Kinesis target, JSON format): `data` plus `metadata`
 * (`record-type`, `operation`, `schema-name`, `table-name`, `transaction-id`, `timestamp`). Before
 * images come from the before-image columns (`BI_` prefix by default) that the
 * `add-before-image-columns` table mapping adds to updates.
 */
export function parseAwsDms(input: FormatInput): ChangeEvent[] {
  const { message, context, path, facts } = input;
  const metadataPath = child(path, 'metadata');
  const metadata = optionalObject(context, message, 'metadata', path) ?? fail(context, 'missing-field', metadataPath, 'is required in an AWS DMS record');
  const recordType = requiredString(context, metadata, 'record-type', metadataPath);
  const dmsOperation = requiredString(context, metadata, 'operation', metadataPath);
  const schema = optionalString(context, metadata, 'schema-name', metadataPath);
  const table = optionalString(context, metadata, 'table-name', metadataPath);
  const eventTime = optionalIsoTime(context, metadata, 'timestamp', metadataPath);
  const commitTime = optionalIsoTime(context, metadata, 'commit-timestamp', metadataPath);
  const isLoad = dmsOperation === 'load';
  const source = createSource({
    connector: 'aws-dms',
    schema,
    table,
    transactionId: optionalIdText(context, metadata, 'transaction-id', metadataPath),
    snapshot: isLoad ? 'true' : null,
    isSnapshot: isLoad,
    timeMs: commitTime?.ms ?? null,
    timeNs: commitTime?.ns ?? null,
  });
  const eventTimeMs = eventTime?.ms ?? null;
  const eventTimeNs = eventTime?.ns ?? null;
  if (recordType === 'control') {
    return [createEvent(facts, { kind: 'schema-change', source, eventTimeMs, eventTimeNs, schemaChange: { ddl: null, type: dmsOperation } })];
  }
  if (recordType !== 'data') return fail(context, 'unsupported', child(metadataPath, 'record-type'), "is not 'data' or 'control'");
  const operation = OPERATIONS[dmsOperation];
  if (operation === undefined) return fail(context, 'invalid-field', child(metadataPath, 'operation'), 'is not a DMS data operation (load, insert, update, delete)');
  const dataPath = child(path, 'data');
  const data = optionalObject(context, message, 'data', path) ?? fail(context, 'missing-field', dataPath, 'is required in a DMS data record');
  const plan = input.tables.planFor(null, schema, table);
  const { current, previous, beforeImage } = splitBeforeImage(data, plan, context, dataPath);
  let before: Row | null = null;
  let after: Row | null = current;
  let image: BeforeImage = 'none';
  if (operation === 'delete') {
    before = current;
    after = null;
    image = 'full';
  } else if (operation === 'update' && previous !== null) {
    before = previous;
    image = beforeImage;
  }
  return [createEvent(facts, { kind: 'change', operation, before, after, beforeImage: image, key: input.key, source, eventTimeMs, eventTimeNs })];
}

/** Separates the row from its before-image columns (`BI_x` where the row also has `x`). */
function splitBeforeImage(data: JsonObject, plan: RowPlan | undefined, context: DecodeContext, path: Path): { current: Row; previous: Row | null; beforeImage: BeforeImage } {
  const prefix = context.options.dmsBeforeImagePrefix;
  const current: Record<string, unknown> = {};
  let previous: Record<string, unknown> | null = null;
  let imaged = 0;
  const columns = Object.keys(data);
  for (const column of columns) {
    const stripped = column.startsWith(prefix) ? column.slice(prefix.length) : undefined;
    if (stripped !== undefined && Object.prototype.hasOwnProperty.call(data, stripped)) {
      previous ??= {};
      setOwn(previous, stripped, decodeCell(stripped, data, column, plan, context, path));
      imaged++;
    } else {
      setOwn(current, column, decodeCell(column, data, column, plan, context, path));
    }
  }
  const beforeImage: BeforeImage = previous === null ? 'none' : imaged === columns.length - imaged ? 'full' : 'partial';
  return { current: current as Row, previous: previous as Row | null, beforeImage };
}

