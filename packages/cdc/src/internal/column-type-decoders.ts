import type { ColumnType } from '../column-type.js';
import {
  arrayDecoder,
  bitsDecoder,
  bytesColumnDecoder,
  dateDecoder,
  decimalDecoder,
  enumSetDecoder,
  floatDecoder,
  geometryDecoder,
  integerDecoder,
  jsonDecoder,
  localTimestampDecoder,
  plainDecoder,
  timeOfDayDecoder,
  variableScaleDecimalDecoder,
  zonedTimestampDecoder,
  type RowPlan,
  type ValueDecoder,
} from './value-decoders.js';

const TIME_MILLIS = timeOfDayDecoder(1000);
const TIME_MICROS = timeOfDayDecoder(1_000_000);
const TIME_NANOS = timeOfDayDecoder(1_000_000_000);
const TIMESTAMP_MILLIS = localTimestampDecoder(1000);
const TIMESTAMP_MICROS = localTimestampDecoder(1_000_000);
const TIMESTAMP_NANOS = localTimestampDecoder(1_000_000_000);

/** The decoder of a {@link ColumnType}. */
export function decoderForColumnType(type: ColumnType): ValueDecoder {
  switch (type.type) {
    case 'decimal':
      return decimalDecoder(type.scale, type.encoding ?? 'text');
    case 'variable-scale-decimal':
      return variableScaleDecimalDecoder;
    case 'integer':
      return integerDecoder;
    case 'float':
      return floatDecoder;
    case 'date':
      return dateDecoder;
    case 'time-millis':
      return TIME_MILLIS;
    case 'time-micros':
      return TIME_MICROS;
    case 'time-nanos':
      return TIME_NANOS;
    case 'timestamp-millis':
      return TIMESTAMP_MILLIS;
    case 'timestamp-micros':
      return TIMESTAMP_MICROS;
    case 'timestamp-nanos':
      return TIMESTAMP_NANOS;
    case 'zoned-timestamp':
      return zonedTimestampDecoder;
    case 'json':
      return jsonDecoder;
    case 'enum-set':
      return enumSetDecoder;
    case 'bits':
      return bitsDecoder(type.length);
    case 'bytes':
      return bytesColumnDecoder(type.encoding);
    case 'geometry':
      return geometryDecoder;
    case 'string':
      return plainDecoder;
    case 'array':
      return arrayDecoder(type.items === undefined ? undefined : decoderForColumnType(type.items));
  }
}

/** Builds a row plan from column types. */
export function planFromColumnTypes(columns: Readonly<Record<string, ColumnType>>): RowPlan {
  const plan = new Map<string, ValueDecoder>();
  for (const column of Object.keys(columns)) plan.set(column, decoderForColumnType(columns[column]!));
  return plan;
}
