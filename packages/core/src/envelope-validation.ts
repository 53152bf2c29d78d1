import { isRfc3339DateTime } from './internal/rfc3339.js';
import { isAbsoluteUri, isUriReference } from './internal/uri-reference.js';
import { parseTraceparent } from './trace-context.js';
import { readTracestate } from './trace-state.js';
import type { ValidationIssue } from './validation-error.js';

/**
 * CloudEvents attribute names: lowercase a-z and 0-9. The spec says names SHOULD NOT exceed 20
 * characters (a recommendation, not a rule), so longer names are accepted.
 */
const EXTENSION_NAME = /^[a-z0-9]+$/;
/** The range of the CloudEvents `Integer` type (signed 32-bit). */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Names an envelope's `extensions` may not use: CloudEvents core attributes and the extension names
 * our own fields map to.
 */
export const RESERVED_EXTENSION_NAMES: ReadonlySet<string> = new Set([
  'specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64',
  'schemaversion', 'correlationid', 'causationid', 'partitionkey', 'traceparent', 'tracestate',
]);

const REQUIRED = ['id', 'type', 'source', 'schemaVersion', 'dataContentType'] as const;
/** Optional strings that, when present, must not be empty (CloudEvents `subject`) or may be (our extensions). */
const OPTIONAL = ['subject', 'correlationId', 'causationId', 'partitionKey'] as const;

/**
 * Checks an object against the envelope rules and returns every problem found (empty when valid).
 * Hand-written rather than schema-built because it sits on every encode/decode (hot path). The rules
 * are CloudEvents 1.0's: `source` a URI-reference, `subject` not empty, `time` an RFC 3339 date-time
 * of a real calendar day, `dataSchemaUri` an absolute URI, extension values strings, booleans or
 * 32-bit integers; plus W3C trace context: a valid `traceparent`, and a valid `tracestate` only
 * beside one.
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
  const source = record.source;
  if (typeof source === 'string' && source.length > 0 && !isUriReference(source)) {
    issues.push({ path: ['source'], message: 'expected a URI-reference (RFC 3986) such as /orders-service or urn:acme:orders; percent-encode spaces and other characters' });
  }
  const time = record.time;
  if (typeof time !== 'string') issues.push({ path: ['time'], message: time === undefined ? 'required' : `expected a string, got ${describe(time)}` });
  else if (!isRfc3339DateTime(time)) issues.push({ path: ['time'], message: 'expected an RFC 3339 date-time of a real day, such as 2026-01-31T12:00:00.000Z' });
  for (const key of OPTIONAL) {
    const field = record[key];
    if (field !== undefined && typeof field !== 'string') issues.push({ path: [key], message: `expected a string, got ${describe(field)}` });
  }
  if (record.subject === '') issues.push({ path: ['subject'], message: 'must not be empty when present (CloudEvents); omit it instead' });
  const dataSchemaUri = record.dataSchemaUri;
  if (dataSchemaUri !== undefined) {
    if (typeof dataSchemaUri !== 'string') issues.push({ path: ['dataSchemaUri'], message: `expected a string, got ${describe(dataSchemaUri)}` });
    else if (!isAbsoluteUri(dataSchemaUri)) issues.push({ path: ['dataSchemaUri'], message: 'expected an absolute URI (RFC 3986, with a scheme) such as https://schemas.acme.com/order-placed/1' });
  }
  validateTraceContext(record, issues);
  validateExtensions(record.extensions, issues);
  return issues;
}

function validateTraceContext(record: Record<string, unknown>, issues: ValidationIssue[]): void {
  const traceparent = record.traceparent;
  if (traceparent !== undefined) {
    if (typeof traceparent !== 'string') issues.push({ path: ['traceparent'], message: `expected a string, got ${describe(traceparent)}` });
    else if (parseTraceparent(traceparent) === undefined) issues.push({ path: ['traceparent'], message: 'not a valid W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)' });
  }
  const tracestate = record.tracestate;
  if (tracestate === undefined) return;
  if (typeof tracestate !== 'string') {
    issues.push({ path: ['tracestate'], message: `expected a string, got ${describe(tracestate)}` });
    return;
  }
  if (traceparent === undefined) issues.push({ path: ['tracestate'], message: 'a tracestate needs a traceparent (W3C: without one it is discarded); omit it' });
  const parsed = readTracestate(tracestate);
  if (!parsed.ok) issues.push({ path: ['tracestate'], message: `not a valid W3C tracestate: ${parsed.problem}` });
  else if (parsed.members.length === 0) issues.push({ path: ['tracestate'], message: 'a tracestate needs at least one list member; omit it' });
}

function validateExtensions(extensions: unknown, issues: ValidationIssue[]): void {
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    issues.push({ path: ['extensions'], message: extensions === undefined ? 'required' : `expected an object of strings, booleans and integers, got ${describe(extensions)}` });
    return;
  }
  for (const name in extensions) {
    if (!Object.prototype.hasOwnProperty.call(extensions, name)) continue;
    if (!EXTENSION_NAME.test(name)) issues.push({ path: ['extensions', name], message: 'extension names must be lowercase letters or digits' });
    else if (RESERVED_EXTENSION_NAMES.has(name)) issues.push({ path: ['extensions', name], message: 'reserved name (a CloudEvents attribute or an envelope field)' });
    const problem = extensionValueProblem((extensions as Record<string, unknown>)[name]);
    if (problem !== undefined) issues.push({ path: ['extensions', name], message: problem });
  }
}

/** What is wrong with an extension value (CloudEvents String, Boolean or Integer), or undefined. */
export function extensionValueProblem(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'expected an integer (CloudEvents has no fractional numbers), got a fractional or non-finite number';
    if (value < INT32_MIN || value > INT32_MAX) return 'expected an integer from -2^31 to 2^31 - 1 (CloudEvents Integer)';
    return undefined;
  }
  return `expected a string, a boolean or an integer, got ${describe(value)}`;
}

/** Describes a value's type (never the value itself). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
