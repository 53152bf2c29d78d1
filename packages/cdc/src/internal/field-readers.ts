import { fail, type DecodeContext, type Path } from './decode-context.js';
import { parseIsoTimestamp } from './temporal-format.js';

/** A JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** True when `object` has `key` as an own property (even with a null value). */
export function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function wrongType(context: DecodeContext, path: Path, key: string, expected: string): never {
  return fail(context, 'invalid-field', [...path, key], `must be ${expected}`);
}

/** A string field; null when absent or null. */
export function optionalString(context: DecodeContext, object: JsonObject, key: string, path: Path): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') wrongType(context, path, key, 'a string');
  return value;
}

/** A string field that must be present. */
export function requiredString(context: DecodeContext, object: JsonObject, key: string, path: Path): string {
  const value = optionalString(context, object, key, path);
  if (value === null) return fail(context, 'missing-field', [...path, key], 'is required');
  return value;
}

/** An integer field (number or bigint); null when absent or null. */
export function optionalInteger(context: DecodeContext, object: JsonObject, key: string, path: Path): number | bigint | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return value;
  return wrongType(context, path, key, 'an integer');
}

/** An integer field that fits a `number`; null when absent or null. */
export function optionalSafeInteger(context: DecodeContext, object: JsonObject, key: string, path: Path): number | null {
  const value = optionalInteger(context, object, key, path);
  if (value === null || typeof value === 'number') return value;
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return wrongType(context, path, key, 'an integer below 2^53');
}

/** An integer or a string field as text (transaction ids); null when absent or null. */
export function optionalIdText(context: DecodeContext, object: JsonObject, key: string, path: Path): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return String(value);
  return wrongType(context, path, key, 'a string or an integer');
}

/** A boolean field; null when absent or null. */
export function optionalBoolean(context: DecodeContext, object: JsonObject, key: string, path: Path): boolean | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') wrongType(context, path, key, 'a boolean');
  return value;
}

/** An object field; null when absent or null. */
export function optionalObject(context: DecodeContext, object: JsonObject, key: string, path: Path): JsonObject | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value)) wrongType(context, path, key, 'an object');
  return value;
}

/** An array field; null when absent or null. */
export function optionalArray(context: DecodeContext, object: JsonObject, key: string, path: Path): readonly unknown[] | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) wrongType(context, path, key, 'an array');
  return value as readonly unknown[];
}

/** An array of strings field; null when absent or null. */
export function optionalStringArray(context: DecodeContext, object: JsonObject, key: string, path: Path): readonly string[] | null {
  const value = optionalArray(context, object, key, path);
  if (value === null) return null;
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') fail(context, 'invalid-field', [...path, key, i], 'must be a string');
  }
  return value as readonly string[];
}

/** The value as a bigint when it is an integer (number or bigint), else undefined. */
export function toBigInt(value: number | bigint): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

/** An ISO-8601 timestamp text field as ms (and exact ns when sub-millisecond) since the epoch; null when absent or null. */
export function optionalIsoTime(context: DecodeContext, object: JsonObject, key: string, path: Path): { ms: number; ns: bigint | null } | null {
  const text = optionalString(context, object, key, path);
  if (text === null) return null;
  return parseIsoTimestamp(text) ?? fail(context, 'invalid-field', [...path, key], 'must be an ISO-8601 timestamp');
}
