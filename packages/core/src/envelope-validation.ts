import { parseTraceparent } from './trace-context.js';
import type { ValidationIssue } from './validation-error.js';

/** RFC 3339 date-time (as CloudEvents `time` requires). */
const RFC3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
/** CloudEvents extension attribute names: lowercase a-z and 0-9. */
const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

/**
 * Names an envelope's `extensions` may not use: CloudEvents core attributes and the extension names
 * our own fields map to.
 */
export const RESERVED_EXTENSION_NAMES: ReadonlySet<string> = new Set([
  'specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data', 'data_base64',
  'schemaversion', 'correlationid', 'causationid', 'partitionkey', 'traceparent', 'tracestate',
]);

const REQUIRED = ['id', 'type', 'source', 'schemaVersion', 'dataContentType'] as const;
const OPTIONAL = ['subject', 'correlationId', 'causationId', 'partitionKey', 'tracestate'] as const;

/**
 * Checks an object against the envelope rules and returns every problem found (empty when valid).
 * Hand-written rather than schema-built because it sits on every encode/decode (hot path).
 */
export function validateEnvelope(value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: [], message: 'expected an object' });
    return issues;
  }
  const record = value as Record<string, unknown>;
  for (const key of REQUIRED) {
    const field = record[key];
    if (typeof field !== 'string') issues.push({ path: [key], message: field === undefined ? 'required' : `expected a string, got ${describe(field)}` });
    else if (field.length === 0) issues.push({ path: [key], message: 'must not be empty' });
  }
  const time = record.time;
  if (typeof time !== 'string') issues.push({ path: ['time'], message: time === undefined ? 'required' : `expected a string, got ${describe(time)}` });
  else if (!RFC3339.test(time)) issues.push({ path: ['time'], message: 'expected an RFC 3339 date-time such as 2026-01-31T12:00:00.000Z' });
  for (const key of OPTIONAL) {
    const field = record[key];
    if (field !== undefined && typeof field !== 'string') issues.push({ path: [key], message: `expected a string, got ${describe(field)}` });
  }
  const traceparent = record.traceparent;
  if (traceparent !== undefined) {
    if (typeof traceparent !== 'string') issues.push({ path: ['traceparent'], message: `expected a string, got ${describe(traceparent)}` });
    else if (parseTraceparent(traceparent) === undefined) issues.push({ path: ['traceparent'], message: 'not a valid W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)' });
  }
  const extensions = record.extensions;
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    issues.push({ path: ['extensions'], message: extensions === undefined ? 'required' : `expected an object of strings, got ${describe(extensions)}` });
  } else {
    for (const name in extensions) {
      if (!Object.prototype.hasOwnProperty.call(extensions, name)) continue;
      if (!EXTENSION_NAME.test(name)) issues.push({ path: ['extensions', name], message: 'extension names must be 1-20 lowercase letters or digits' });
      else if (RESERVED_EXTENSION_NAMES.has(name)) issues.push({ path: ['extensions', name], message: 'reserved name (a CloudEvents attribute or an envelope field)' });
      const v = (extensions as Record<string, unknown>)[name];
      if (typeof v !== 'string') issues.push({ path: ['extensions', name], message: `expected a string, got ${describe(v)}` });
    }
  }
  return issues;
}

/** Describes a value's type (never the value itself). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
