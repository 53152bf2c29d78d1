import { child, fail, type DecodeContext, type Path } from './decode-context.js';
import { isJsonObject, type JsonObject } from './field-readers.js';
import type { ColumnType } from '../column-type.js';
import { decoderForColumnType } from './column-type-decoders.js';
import {
  arrayDecoder,
  bitsDecoder,
  bytesDecoder,
  decimalDecoder,
  floatDecoder,
  mapDecoder,
  structDecoder,
  type RowPlan,
  type ValueDecoder,
} from './value-decoders.js';

/** Logical type names (Kafka Connect and Debezium) and how their values decode (null: as they are). */
const LOGICAL_TYPES: ReadonlyMap<string, ColumnType | null> = new Map<string, ColumnType | null>([
  ['io.debezium.data.VariableScaleDecimal', { type: 'variable-scale-decimal' }],
  ['io.debezium.time.Date', { type: 'date' }],
  ['org.apache.kafka.connect.data.Date', { type: 'date' }],
  ['io.debezium.time.Time', { type: 'time-millis' }],
  ['org.apache.kafka.connect.data.Time', { type: 'time-millis' }],
  ['io.debezium.time.MicroTime', { type: 'time-micros' }],
  ['io.debezium.time.NanoTime', { type: 'time-nanos' }],
  ['io.debezium.time.Timestamp', { type: 'timestamp-millis' }],
  ['org.apache.kafka.connect.data.Timestamp', { type: 'timestamp-millis' }],
  ['io.debezium.time.MicroTimestamp', { type: 'timestamp-micros' }],
  ['io.debezium.time.NanoTimestamp', { type: 'timestamp-nanos' }],
  ['io.debezium.time.ZonedTimestamp', { type: 'zoned-timestamp' }],
  ['io.debezium.time.IsoTimestamp', { type: 'zoned-timestamp' }],
  ['io.debezium.data.Json', { type: 'json' }],
  ['io.debezium.data.EnumSet', { type: 'enum-set' }],
  ['io.debezium.data.geometry.Geometry', { type: 'geometry' }],
  ['io.debezium.data.geometry.Geography', { type: 'geometry' }],
  ['io.debezium.data.geometry.Point', { type: 'geometry' }],
  ['io.debezium.time.Year', null],
  ['io.debezium.time.ZonedTime', null],
  ['io.debezium.time.MicroDuration', null],
  ['io.debezium.time.NanoDuration', null],
  ['io.debezium.time.Interval', null],
  ['io.debezium.data.Uuid', null],
  ['io.debezium.data.Enum', null],
  ['io.debezium.data.Xml', null],
  ['io.debezium.data.Ltree', null],
]);
const LOGICAL_DECODERS: ReadonlyMap<string, ValueDecoder | null> = new Map(
  [...LOGICAL_TYPES].map(([name, type]) => [name, type === null ? null : decoderForColumnType(type)]),
);

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const BITS = 'io.debezium.data.Bits';
const PRIMITIVES = new Set(['int8', 'int16', 'int32', 'int64', 'boolean', 'string']);
const FLOATS = new Set(['float', 'float32', 'float64', 'double']);

function integerParameter(context: DecodeContext, schema: JsonObject, name: string, path: Path): number | undefined {
  const parameters = schema.parameters;
  if (!isJsonObject(parameters)) return undefined;
  const raw = parameters[name];
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(context, 'invalid-field', [...path, 'parameters', name], 'must be an integer');
  return value;
}

/**
 * Compiles a Kafka Connect JSON schema (JsonConverter `schemas.enable=true`) into a decoder, or
 * undefined when values of that schema are used as they are (plain integers, booleans, text).
 *
 * @throws CdcParseError `invalid-field` for a schema that is not an object with a known `type`.
 */
export function compileConnectSchema(schema: unknown, context: DecodeContext, path: Path, depth = 0): ValueDecoder | undefined {
  if (depth > context.options.maxDepth) return fail(context, 'too-deep', path, `schema nesting deeper than ${context.options.maxDepth} levels`);
  if (!isJsonObject(schema)) return fail(context, 'invalid-field', path, 'must be a schema object');
  const type = schema.type;
  if (typeof type !== 'string') return fail(context, 'invalid-field', child(path, 'type'), 'must be a schema type name');
  const name = typeof schema.name === 'string' ? schema.name : undefined;
  if (name !== undefined) {
    if (name === DECIMAL) return decimalDecoder(integerParameter(context, schema, 'scale', path) ?? 0, type === 'bytes' ? 'base64' : 'text');
    if (name === BITS) return type === 'bytes' ? bitsDecoder(integerParameter(context, schema, 'length', path)) : undefined;
    const logical = LOGICAL_DECODERS.get(name);
    if (logical !== undefined) return logical ?? undefined;
  }
  if (PRIMITIVES.has(type)) return undefined;
  if (FLOATS.has(type)) return floatDecoder;
  switch (type) {
    case 'bytes':
      return bytesDecoder;
    case 'struct':
      return structDecoder(compileStructFields(schema, context, path, depth + 1));
    case 'array':
      return arrayDecoder(compileConnectSchema(schema.items, context, child(path, 'items'), depth + 1));
    case 'map':
      return mapDecoder(compileConnectSchema(schema.values, context, child(path, 'values'), depth + 1));
    default:
      return fail(context, 'invalid-field', child(path, 'type'), 'is not a Kafka Connect schema type');
  }
}

/** Compiles the `fields` of a struct schema into a row plan (fields without a decoder are omitted). */
export function compileStructFields(schema: JsonObject, context: DecodeContext, path: Path, depth = 0): RowPlan {
  const fields = schema.fields;
  if (!Array.isArray(fields)) return fail(context, 'invalid-field', child(path, 'fields'), 'must be an array of field schemas');
  const plan = new Map<string, ValueDecoder>();
  const fieldsPath = child(path, 'fields');
  for (let i = 0; i < fields.length; i++) {
    const field: unknown = fields[i];
    if (!isJsonObject(field) || typeof field.field !== 'string') return fail(context, 'invalid-field', child(fieldsPath, i), 'must be a field schema with a field name');
    const decoder = compileConnectSchema(field, context, child(fieldsPath, i), depth);
    if (decoder !== undefined) plan.set(field.field, decoder);
  }
  return plan;
}

/** The schema of the field named `name` inside a struct schema, if any. */
export function fieldSchema(schema: JsonObject | null, name: string): JsonObject | undefined {
  if (schema === null) return undefined;
  const fields = schema.fields;
  if (!Array.isArray(fields)) return undefined;
  for (const field of fields) {
    if (isJsonObject(field) && field.field === name) return field;
  }
  return undefined;
}
