/**
 * Debezium schema-change records: what the MySQL / MariaDB, SQL Server, Oracle and Db2 connectors
 * write to the `<topic.prefix>` topic (`include.schema.changes`, on by default): `source`,
 * `databaseName`, `schemaName`, `ddl` and `tableChanges` (each with a `type` CREATE / ALTER /
 * DROP), keyed by `{databaseName}`. They have no `op`.
 */
import type { ChangeEvent } from '../../change-event.js';
import { child } from '../decode-context.js';
import { createEvent } from '../event-factory.js';
import { has, isJsonObject, optionalArray, optionalString, type JsonObject } from '../field-readers.js';
import type { FormatInput } from '../format-input.js';
import { debeziumSource, readTimes } from './debezium-source.js';

/** True for a Debezium schema-change record (a `ddl` text, a `source` block and `tableChanges` or `databaseName`). */
export function isDebeziumSchemaChange(message: JsonObject): boolean {
  return (
    typeof message.ddl === 'string' && isJsonObject(message.source) && (Array.isArray(message.tableChanges) || has(message, 'databaseName'))
  );
}

/** The distinct `tableChanges[].type` values in order, joined by `,`; null when there are none. */
function changeTypes(input: FormatInput): string | null {
  const { context, message, path } = input;
  const changes = optionalArray(context, message, 'tableChanges', path) ?? [];
  const types: string[] = [];
  changes.forEach((change, index) => {
    const type = isJsonObject(change) ? optionalString(context, change, 'type', child(child(path, 'tableChanges'), index)) : null;
    if (type !== null && !types.includes(type)) types.push(type);
  });
  return types.length === 0 ? null : types.join(',');
}

/** Parses a Debezium schema-change record into one `schema-change` event. */
export function parseDebeziumSchemaChange(input: FormatInput): ChangeEvent {
  const { context, message, path, facts } = input;
  const sourcePath = child(path, 'source');
  const source = debeziumSource(context, message.source as JsonObject, sourcePath);
  const times = readTimes(context, message, path);
  return createEvent(facts, {
    kind: 'schema-change',
    source,
    key: input.key,
    eventTimeMs: times.ms,
    eventTimeNs: times.ns,
    schemaChange: { ddl: optionalString(context, message, 'ddl', path), type: changeTypes(input) },
  });
}
