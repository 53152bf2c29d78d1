import type { CdcValue, Row } from '../cdc-value.js';
import { Decimal, bigintFromTwosComplement, formatScaled, numberFromTwosComplement, parseDecimalText } from '../decimal.js';
import { Unavailable } from '../unavailable.js';
import { base64ToBytesStrict } from './base64.js';
import { hexToBytesStrict } from './hex.js';
import { dateInfinity, isInfinityText, timestampInfinity } from './pg-infinity.js';
import { child, fail, type DecodeContext, type Path } from './decode-context.js';
import { isJsonObject } from './field-readers.js';
import { parseJsonText } from './json-text.js';
import { JsonSyntaxError } from './json-syntax-error.js';
import { formatEpochDays, formatLocalTimestamp, formatTimeOfDay, toEpochMs, type UnitsPerSecond } from './temporal-format.js';

/**
 * Decodes one value. `container[key]` is where the value sits; `path` is the container's path from
 * the message root (for errors and exact literals).
 */
export type ValueDecoder = (value: unknown, context: DecodeContext, container: object, key: string | number, path: Path) => CdcValue;

/** Decoders per column of a row; columns without one are copied as they are. */
export type RowPlan = ReadonlyMap<string, ValueDecoder>;

function invalidValue(context: DecodeContext, path: Path, key: string | number, problem: string, hint?: string): never {
  return fail(context, 'invalid-value', child(path, key), problem, hint);
}

/** True when `value` is the configured placeholder for an unchanged TOAST value (text or base64 form). */
export function isPlaceholder(value: unknown, context: DecodeContext): boolean {
  return typeof value === 'string' && (value === context.options.unavailablePlaceholder || value === context.options.unavailablePlaceholderBase64);
}

/** Sets an own enumerable property, even for the key `__proto__` (never changes the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** Copies the own enumerable properties of `sources` into `target` with {@link setOwn} (unlike `Object.assign`, `__proto__` stays data). */
export function assignOwn<T extends Record<string, unknown>>(target: T, ...sources: (Readonly<Record<string, unknown>> | undefined)[]): T {
  for (const source of sources) {
    if (source === undefined) continue;
    for (const key of Object.keys(source)) setOwn(target, key, source[key]);
  }
  return target;
}

/**
 * Decodes a row object. Without a plan the input object itself is returned unless a placeholder
 * must become `Unavailable` (copy on write); with a plan a new object is built.
 */
export function decodeRow(value: unknown, plan: RowPlan | undefined, context: DecodeContext, path: Path): Row {
  if (!isJsonObject(value)) return fail(context, 'invalid-field', path, 'must be an object (a row)');
  const keys = Object.keys(value);
  if (plan === undefined || plan.size === 0) {
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const column = keys[i]!;
      const cell = value[column];
      if (typeof cell === 'string' && isPlaceholder(cell, context)) {
        if (copy === undefined) {
          copy = {};
          for (const k of keys) setOwn(copy, k, value[k]);
        }
        copy[column] = Unavailable;
      }
    }
    return (copy ?? value) as Row;
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const column = keys[i]!;
    const cell = value[column];
    const decoder = plan.get(column);
    setOwn(out, column, decoder === undefined ? looseValue(cell, context) : decoder(cell, context, value, column, path));
  }
  return out as Row;
}

/**
 * Decodes the cell `container[key]` of column `column` with the plan's decoder (rows built from
 * parallel arrays or column objects pass the real container and path, so exact literals are found).
 */
export function decodeCell(column: string, container: object, key: string | number, plan: RowPlan | undefined, context: DecodeContext, path: Path): CdcValue {
  const value: unknown = (container as Record<string | number, unknown>)[key];
  const decoder = plan?.get(column);
  return decoder === undefined ? looseValue(value, context) : decoder(value, context, container, key, path);
}

function looseValue(value: unknown, context: DecodeContext): CdcValue {
  return isPlaceholder(value, context) ? Unavailable : (value as CdcValue);
}

// ---- decimals ---------------------------------------------------------------------------------

/** Non-finite decimal texts, lower-cased, to the form returned (Debezium string mode sends `"NAN"`). */
const NON_FINITE_TEXT: ReadonlyMap<string, string> = new Map([
  ['nan', 'NaN'],
  ['infinity', 'Infinity'],
  ['+infinity', 'Infinity'],
  ['-infinity', '-Infinity'],
]);

function nonFiniteText(text: string): string | undefined {
  return text.length <= 9 ? NON_FINITE_TEXT.get(text.toLowerCase()) : undefined;
}

function outputDecimal(unscaled: bigint | number, scale: number, context: DecodeContext): CdcValue {
  switch (context.options.decimalMode) {
    case 'string':
      return formatScaled(unscaled, scale);
    case 'number':
      return Number(formatScaled(unscaled, scale));
    case 'decimal':
      return new Decimal(typeof unscaled === 'bigint' ? unscaled : BigInt(unscaled), scale);
  }
}

const PLAIN_DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

function decimalFromText(text: string, scale: number | undefined, context: DecodeContext, path: Path, key: string | number): CdcValue {
  if (context.options.decimalMode === 'string' && !text.startsWith('-0')) {
    // fast path: canonical text only needs trailing zeros up to the scale
    const plain = PLAIN_DECIMAL.exec(text);
    if (plain !== null) {
      const fractionLength = plain[1]?.length ?? 0;
      if (scale === undefined || fractionLength >= scale) return text;
      return text + (fractionLength === 0 ? '.' : '') + '0'.repeat(scale - fractionLength);
    }
  }
  const parsed = parseDecimalText(text);
  if (parsed === undefined) return invalidValue(context, path, key, 'is not a decimal number');
  const scaled = scale !== undefined && parsed.scale < scale ? parsed.withScale(scale) : parsed;
  return outputDecimal(scaled.unscaled, scaled.scale, context);
}

function decimalFromBase64(text: string, scale: number, context: DecodeContext, path: Path, key: string | number): CdcValue {
  const bytes = base64ToBytesStrict(text);
  if (bytes === undefined || bytes.length === 0) {
    return invalidValue(context, path, key, 'decimal bytes are not valid base64', "check the connector's decimal.handling.mode against the schema");
  }
  return outputDecimal(bytes.length <= 6 ? numberFromTwosComplement(bytes) : bigintFromTwosComplement(bytes), scale, context);
}

/** The exact text of a JSON number: its literal in the message text, else the shortest round-trip form. */
function numberText(value: number, context: DecodeContext, path: Path, key: string | number): string {
  return context.exact?.lookup(path, key) ?? String(value);
}

/** `Decimal` (schema `scale`); strings are base64 bytes when `encoding` is `'base64'`, else decimal text. */
export function decimalDecoder(scale: number | undefined, encoding: 'base64' | 'text'): ValueDecoder {
  return (value, context, _container, key, path) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') {
      if (isPlaceholder(value, context)) return Unavailable;
      const nonFinite = nonFiniteText(value);
      if (nonFinite !== undefined) return nonFinite;
      if (encoding === 'base64') return decimalFromBase64(value, scale ?? 0, context, path, key);
      return decimalFromText(value, scale, context, path, key);
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return invalidValue(context, path, key, 'is not a finite number');
      return decimalFromText(numberText(value, context, path, key), scale, context, path, key);
    }
    if (typeof value === 'bigint') {
      const scaled = scale !== undefined && scale > 0 ? value * 10n ** BigInt(scale) : value;
      return outputDecimal(scaled, Math.max(scale ?? 0, 0), context);
    }
    return invalidValue(context, path, key, 'must be a decimal (number, string or base64 bytes)');
  };
}

/** `io.debezium.data.VariableScaleDecimal`: `{scale, value}` with base64 bytes. */
export const variableScaleDecimalDecoder: ValueDecoder = (value, context, container, key, path) => {
  if (value === null || value === undefined) return null;
  if (!isJsonObject(value)) return invalidValue(context, path, key, 'must be an object with scale and value');
  const scale = value.scale;
  const bytes = value.value;
  if (typeof scale !== 'number' || !Number.isSafeInteger(scale)) return invalidValue(context, child(path, key), 'scale', 'must be an integer');
  if (typeof bytes !== 'string') return invalidValue(context, child(path, key), 'value', 'must be base64 text');
  return decimalFromBase64(bytes, scale, context, child(path, key), 'value');
};

// ---- numbers ----------------------------------------------------------------------------------

const INTEGER_TEXT = /^[+-]?[0-9]+$/;

/** Integers: numbers, bigints, or digit strings (Canal); beyond 2^53 as bigint in lossless mode. */
export const integerDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return invalidValue(context, path, key, 'must be an integer');
    return value;
  }
  if (typeof value === 'string') {
    if (isPlaceholder(value, context)) return Unavailable;
    if (!INTEGER_TEXT.test(value)) return invalidValue(context, path, key, 'must be an integer');
    const number = Number(value);
    return Number.isSafeInteger(number) || !context.options.lossless ? number : BigInt(value);
  }
  return invalidValue(context, path, key, 'must be an integer');
};

const FLOAT_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Floats: numbers, `"NaN"`/`"Infinity"` (Jackson's non-numeric numbers), numeric strings (Canal). */
export const floatDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (isPlaceholder(value, context)) return Unavailable;
    const nonFinite = nonFiniteText(value);
    if (nonFinite !== undefined) return Number(nonFinite);
    if (FLOAT_TEXT.test(value)) return Number(value);
  }
  return invalidValue(context, path, key, 'must be a floating-point number');
};

// ---- temporal ---------------------------------------------------------------------------------

function temporalInteger(value: unknown, context: DecodeContext, path: Path, key: string | number): number | bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return invalidValue(context, path, key, 'must be an integer count of time units');
}

function dateFromMs(ms: number, context: DecodeContext, path: Path, key: string | number): Date {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return invalidValue(context, path, key, 'is outside the range of a JavaScript Date', "use temporalMode 'iso' or 'raw'");
  return date;
}

function textTemporal(value: string, context: DecodeContext, path: Path, key: string | number): CdcValue {
  if (context.options.temporalMode !== 'date' || isInfinityText(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return invalidValue(context, path, key, 'is not a date-time text', "use temporalMode 'iso' to keep the text");
  return new Date(ms);
}

/** Days since the epoch (`io.debezium.time.Date`). */
export const dateDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return isPlaceholder(value, context) ? Unavailable : textTemporal(value, context, path, key);
  const days = temporalInteger(value, context, path, key);
  const mode = context.options.temporalMode;
  if (mode === 'raw') return days;
  const dayCount = Number(days);
  const infinity = dateInfinity(dayCount);
  if (infinity !== undefined) return infinity;
  if (!Number.isSafeInteger(dayCount) || Math.abs(dayCount) > 100_000_000) return invalidValue(context, path, key, 'is not a plausible day count');
  return mode === 'iso' ? formatEpochDays(dayCount) : dateFromMs(dayCount * 86_400_000, context, path, key);
};

/** Time of day in the given unit (`Time`, `MicroTime`, `NanoTime`); stays a string in `date` mode. */
export function timeOfDayDecoder(unitsPerSecond: UnitsPerSecond): ValueDecoder {
  return (value, context, _container, key, path) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return isPlaceholder(value, context) ? Unavailable : value;
    const units = temporalInteger(value, context, path, key);
    return context.options.temporalMode === 'raw' ? units : formatTimeOfDay(units, unitsPerSecond);
  };
}

/** Zone-less timestamp in the given unit (`Timestamp`, `MicroTimestamp`, `NanoTimestamp`). */
export function localTimestampDecoder(unitsPerSecond: UnitsPerSecond): ValueDecoder {
  return (value, context, _container, key, path) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return isPlaceholder(value, context) ? Unavailable : textTemporal(value, context, path, key);
    const units = temporalInteger(value, context, path, key);
    if (context.options.temporalMode !== 'raw') {
      const infinity = timestampInfinity(units);
      if (infinity !== undefined) return infinity;
    }
    switch (context.options.temporalMode) {
      case 'raw':
        return units;
      case 'iso':
        return formatLocalTimestamp(units, unitsPerSecond);
      case 'date':
        return dateFromMs(toEpochMs(units, unitsPerSecond), context, path, key);
    }
  };
}

/** ISO text with an offset (`ZonedTimestamp`): the text, or a `Date` in `date` mode. */
export const zonedTimestampDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return invalidValue(context, path, key, 'must be an ISO-8601 text');
  return isPlaceholder(value, context) ? Unavailable : textTemporal(value, context, path, key);
};

// ---- text-encoded values ----------------------------------------------------------------------

/** JSON text (`io.debezium.data.Json`): parsed (lossless, prototype-safe) or kept as text. */
export const jsonDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value as CdcValue; // already structured (Maxwell, Datastream)
  if (isPlaceholder(value, context)) return Unavailable;
  if (context.options.jsonMode === 'string') return value;
  try {
    return parseJsonText(value, { lossless: context.options.lossless, maxDepth: context.options.maxDepth }).value as CdcValue;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return invalidValue(context, path, key, `is not valid JSON text (${error.message} at offset ${error.offset})`, "use jsonMode 'string' to keep the text");
    throw error;
  }
};

/** Comma-separated set (`io.debezium.data.EnumSet`) as an array. */
export const enumSetDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value as CdcValue;
  if (typeof value !== 'string') return invalidValue(context, path, key, 'must be a comma-separated text');
  if (isPlaceholder(value, context)) return Unavailable;
  return value === '' ? [] : value.split(',');
};

function decodeBytes(value: string, context: DecodeContext, path: Path, key: string | number): Uint8Array {
  const bytes = base64ToBytesStrict(value);
  if (bytes === undefined) return invalidValue(context, path, key, 'is not valid base64', "check the connector's binary.handling.mode");
  return bytes;
}

/** Binary (`bytes` without a logical type): base64 to `Uint8Array`. */
export const bytesDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string') return invalidValue(context, path, key, 'must be base64 text');
  if (isPlaceholder(value, context)) return Unavailable;
  return decodeBytes(value, context, path, key);
};

/**
 * The `bytes` column type (schemaless): base64 or hex text to `Uint8Array`; without an `encoding`,
 * the parser's `binaryHandlingMode` (the connector's `binary.handling.mode`) says which.
 */
export function bytesColumnDecoder(encoding: 'base64' | 'hex' | undefined): ValueDecoder {
  return (value, context, container, key, path) => {
    const hex = (encoding ?? (context.options.binaryHandlingMode === 'hex' ? 'hex' : 'base64')) === 'hex';
    if (!hex || typeof value !== 'string' || isPlaceholder(value, context)) return bytesDecoder(value, context, container, key, path);
    return hexToBytesStrict(value) ?? invalidValue(context, path, key, 'is not valid hex', "check the connector's binary.handling.mode and the column type's encoding");
  };
}

/** `io.debezium.data.Bits`: little-endian bytes to a bit string (most significant bit first). */
export function bitsDecoder(length: number | undefined): ValueDecoder {
  return (value, context, _container, key, path) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean') return value;
    if (typeof value !== 'string') return invalidValue(context, path, key, 'must be base64 bytes');
    if (isPlaceholder(value, context)) return Unavailable;
    const bytes = decodeBytes(value, context, path, key);
    const bitCount = Math.min(length ?? bytes.length * 8, bytes.length * 8);
    let bits = '';
    for (let i = bitCount - 1; i >= 0; i--) bits += (bytes[i >> 3]! >> (i & 7)) & 1 ? '1' : '0';
    return bits;
  };
}

/** Geometry structs (`{wkb, srid}`, points with `x`/`y`): `wkb` becomes bytes. */
export const geometryDecoder: ValueDecoder = (value, context, _container, key, path) => {
  if (value === null || value === undefined) return null;
  if (!isJsonObject(value)) return invalidValue(context, path, key, 'must be an object with wkb and srid');
  const out: Record<string, CdcValue> = {};
  for (const field of Object.keys(value)) {
    const cell = value[field];
    if (field === 'wkb' && typeof cell === 'string') out.wkb = decodeBytes(cell, context, child(path, key), 'wkb');
    else setOwn(out, field, cell);
  }
  return out;
};

/** Text and other values copied as they are (placeholders still become `Unavailable`). */
export const plainDecoder: ValueDecoder = (value, context) => looseValue(value, context);

// ---- containers -------------------------------------------------------------------------------

/** A nested struct with its own field decoders. */
export function structDecoder(plan: RowPlan): ValueDecoder {
  return (value, context, _container, key, path) => {
    if (value === null || value === undefined) return null;
    return decodeRow(value, plan, context, child(path, key));
  };
}

/** An array whose items share one decoder; `[placeholder]` (an unchanged TOAST array) is `Unavailable`. */
export function arrayDecoder(items: ValueDecoder | undefined): ValueDecoder {
  return (value, context, _container, key, path) => {
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value)) return invalidValue(context, path, key, 'must be an array');
    if (value.length === 1 && isPlaceholder(value[0], context)) return Unavailable;
    if (items === undefined) return value as CdcValue;
    const itemPath = child(path, key);
    return value.map((item, index) => items(item, context, value, index, itemPath));
  };
}

/** A map: an object with string keys, or (non-string keys) an array of `[key, value]` pairs. */
export function mapDecoder(values: ValueDecoder | undefined): ValueDecoder {
  return (value, context, _container, key, path) => {
    if (value === null || value === undefined) return null;
    if (values === undefined) return value as CdcValue;
    const mapPath = child(path, key);
    if (Array.isArray(value)) {
      return value.map((pair: unknown, index) => {
        if (!Array.isArray(pair) || pair.length !== 2) return invalidValue(context, mapPath, index, 'must be a [key, value] pair');
        return [pair[0] as CdcValue, values(pair[1], context, pair, 1, child(mapPath, index))];
      });
    }
    if (!isJsonObject(value)) return invalidValue(context, path, key, 'must be an object or an array of pairs');
    const out: Record<string, unknown> = {};
    for (const entry of Object.keys(value)) setOwn(out, entry, values(value[entry], context, value, entry, mapPath));
    return out as Row;
  };
}

// ---- column types -----------------------------------------------------------------------------
