import { Decimal } from '../decimal.js';
import { isUnavailable } from '../unavailable.js';
import { bytesToBase64 } from './base64.js';
import { setOwn } from './value-decoders.js';

/** A value `JSON.stringify` can write without loss or failure. */
export type JsonSafeValue = null | boolean | number | string | readonly JsonSafeValue[] | { readonly [key: string]: JsonSafeValue };

const MAX_DEPTH = 256;

/**
 * A decoded value as plain JSON data: bigints and decimals as exact strings, bytes as base64,
 * dates as ISO strings, `Unavailable` as `{"$unavailable": true}`, non-finite numbers as strings.
 * Deeper than 256 levels is cut to null.
 */
export function toJsonSafe(value: unknown, depth = 0): JsonSafeValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return null;
  }
  if (depth > MAX_DEPTH) return null;
  if (isUnavailable(value)) return { $unavailable: true };
  if (Decimal.isDecimal(value)) return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return bytesToBase64(value);
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, depth + 1));
  const out: Record<string, JsonSafeValue> = {};
  for (const key of Object.keys(value)) setOwn(out, key, toJsonSafe((value as Record<string, unknown>)[key], depth + 1));
  return out;
}

/**
 * Deterministic JSON text of a decoded value: keys sorted, each non-JSON type tagged so that
 * different values never share a text (`{"$n":"…"}` bigint, `{"$d":"…"}` decimal, `{"$b":"…"}`
 * bytes, `{"$t":"…"}` date, `{"$u":1}` unavailable).
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `{"$n":"${value.toString()}"}`;
    case 'object':
      break;
    default:
      return 'null';
  }
  if (depth > MAX_DEPTH) return 'null';
  if (isUnavailable(value)) return '{"$u":1}';
  if (Decimal.isDecimal(value)) return `{"$d":"${value.toString()}"}`;
  if (value instanceof Date) return `{"$t":${JSON.stringify(Number.isNaN(value.getTime()) ? null : value.toISOString())}}`;
  if (value instanceof Uint8Array) return `{"$b":"${bytesToBase64(value)}"}`;
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], depth + 1)}`).join(',')}}`;
}
