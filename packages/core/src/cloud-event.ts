import type { Envelope, ExtensionValue } from './envelope.js';
import { describe, extensionValueProblem, validateEnvelope } from './envelope-validation.js';
import { base64ToBytes, bytesToBase64 } from './internal/base64.js';
import { validateWithSchema, type StandardSchemaV1 } from './standard-schema.js';
import { ValidationError, type ValidationIssue } from './validation-error.js';

/** A CloudEvents 1.0 event in the structured JSON format (`application/cloudevents+json`). */
export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly data?: unknown;
  readonly data_base64?: string;
  readonly [extension: string]: unknown;
}

/**
 * Maps an envelope to CloudEvents 1.0 structured JSON. Lossless: {@link fromCloudEvent} gives the
 * same envelope back. Field mapping: `dataSchemaUri` → `dataschema`, `schemaVersion` → `schemaversion`, `correlationId` →
 * `correlationid`, `causationId` → `causationid`, `partitionKey` → `partitionkey` (the CloudEvents
 * partitioning extension), `traceparent`/`tracestate` (distributed tracing extension), every entry
 * of `extensions` → a top-level attribute (strings, booleans and integers keep their JSON type);
 * `Uint8Array` data → `data_base64`.
 *
 * @example
 * ```ts
 * const ce = toCloudEvent(envelope); // { specversion: '1.0', id, source, type, time, ... }
 * ```
 */
export function toCloudEvent(envelope: Envelope): CloudEvent {
  const ce: Record<string, unknown> = {
    specversion: '1.0',
    id: envelope.id,
    source: envelope.source,
    type: envelope.type,
  };
  if (envelope.subject !== undefined) ce.subject = envelope.subject;
  ce.time = envelope.time;
  ce.datacontenttype = envelope.dataContentType;
  if (envelope.dataSchemaUri !== undefined) ce.dataschema = envelope.dataSchemaUri;
  ce.schemaversion = envelope.schemaVersion;
  if (envelope.correlationId !== undefined) ce.correlationid = envelope.correlationId;
  if (envelope.causationId !== undefined) ce.causationid = envelope.causationId;
  if (envelope.partitionKey !== undefined) ce.partitionkey = envelope.partitionKey;
  if (envelope.traceparent !== undefined) ce.traceparent = envelope.traceparent;
  if (envelope.tracestate !== undefined) ce.tracestate = envelope.tracestate;
  const extensions = envelope.extensions;
  for (const name in extensions) ce[name] = extensions[name];
  const data = envelope.data;
  if (data instanceof Uint8Array) ce.data_base64 = bytesToBase64(data);
  else if (data !== undefined) ce.data = data;
  return ce as CloudEvent;
}

const CORE_ATTRIBUTES = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64', 'schemaversion', 'correlationid', 'causationid', 'partitionkey', 'traceparent', 'tracestate']);

/** Options for {@link fromCloudEvent}, {@link parseEnvelope} and `decodeEnvelope`. */
export interface ParseEnvelopeOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** Validates `data` with any Standard Schema validator (zod, valibot, arktype, ...); issues are reported under `data`. */
  readonly dataSchema?: S;
}

/** The envelope type produced by parsing with an optional data schema. */
export type ParsedEnvelope<S> = Envelope<S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown>;

/**
 * Maps CloudEvents 1.0 structured JSON to an envelope and validates it. Unknown attributes become
 * `extensions`, keeping their type (string, boolean, 32-bit integer); `dataschema` becomes
 * `dataSchemaUri`; a missing
 * `schemaversion` becomes `"1"`, a missing `datacontenttype` `application/json`.
 *
 * @throws ValidationError listing every issue with its path (attribute names as paths).
 * @example
 * ```ts
 * const envelope = fromCloudEvent(JSON.parse(body), { dataSchema: OrderPlaced });
 * ```
 */
export function fromCloudEvent<S extends StandardSchemaV1 | undefined = undefined>(value: unknown, options: ParseEnvelopeOptions<S> = {}): ParsedEnvelope<S> {
  const issues: ValidationIssue[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('CloudEvent', [{ path: [], message: `expected an object, got ${describe(value)}` }]);
  }
  const ce = value as Record<string, unknown>;
  if (ce.specversion !== '1.0') issues.push({ path: ['specversion'], message: ce.specversion === undefined ? 'required' : 'only CloudEvents 1.0 is supported' });
  // `time` (required by @iap envelopes) is checked once, by validateEnvelope.
  const extensions: Record<string, ExtensionValue> = {};
  for (const name in ce) {
    if (!Object.prototype.hasOwnProperty.call(ce, name) || CORE_ATTRIBUTES.has(name)) continue;
    const v = ce[name];
    if (v === null || v === undefined) continue;
    if (extensionValueProblem(v) === undefined) extensions[name] = v as ExtensionValue;
    else issues.push({ path: [name], message: extensionValueProblem(v)! });
  }
  let data: unknown = ce.data;
  if (ce.data_base64 !== undefined && ce.data_base64 !== null) {
    if (ce.data !== undefined) issues.push({ path: ['data_base64'], message: 'data and data_base64 are mutually exclusive' });
    const bytes = typeof ce.data_base64 === 'string' ? base64ToBytes(ce.data_base64) : undefined;
    if (bytes === undefined) issues.push({ path: ['data_base64'], message: 'expected strict base64' });
    else data = bytes;
  }
  const envelope = buildEnvelope({
    id: ce.id,
    type: ce.type,
    source: ce.source,
    subject: ce.subject,
    time: ce.time,
    schemaVersion: ce.schemaversion ?? '1',
    correlationId: ce.correlationid,
    causationId: ce.causationid,
    partitionKey: ce.partitionkey,
    dataContentType: ce.datacontenttype ?? 'application/json',
    dataSchemaUri: ce.dataschema,
    data,
    extensions,
    traceparent: ce.traceparent,
    tracestate: ce.tracestate,
  });
  for (const issue of validateEnvelope(envelope)) issues.push(renameIssue(issue));
  return finish(envelope, issues, options.dataSchema, 'CloudEvent') as ParsedEnvelope<S>;
}

const CE_NAME: Record<string, string> = {
  schemaVersion: 'schemaversion', correlationId: 'correlationid', causationId: 'causationid', partitionKey: 'partitionkey', dataContentType: 'datacontenttype',
  dataSchemaUri: 'dataschema',
};

function renameIssue(issue: ValidationIssue): ValidationIssue {
  const [head, ...rest] = issue.path;
  if (typeof head === 'string' && head === 'extensions') return { path: rest, message: issue.message };
  if (typeof head === 'string' && CE_NAME[head] !== undefined) return { path: [CE_NAME[head], ...rest], message: issue.message };
  return issue;
}

/**
 * Validates an envelope-shaped object (our field names, e.g. from a database row or JSON) and returns
 * a clean envelope. Unknown fields are ignored; `null` optional fields count as absent; missing
 * `extensions` and `dataContentType` get their defaults.
 *
 * @throws ValidationError listing every issue with its path, including `data.*` issues from `dataSchema`.
 * @example
 * ```ts
 * const envelope = parseEnvelope(row.envelope, { dataSchema: z.object({ orderId: z.string() }) });
 * envelope.data.orderId; // typed
 * ```
 */
export function parseEnvelope<S extends StandardSchemaV1 | undefined = undefined>(value: unknown, options: ParseEnvelopeOptions<S> = {}): ParsedEnvelope<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('envelope', [{ path: [], message: `expected an object, got ${describe(value)}` }]);
  }
  const v = value as Record<string, unknown>;
  const envelope = buildEnvelope({ ...v, extensions: v.extensions ?? {}, dataContentType: v.dataContentType ?? 'application/json' });
  return finish(envelope, validateEnvelope(envelope), options.dataSchema, 'envelope') as ParsedEnvelope<S>;
}

function finish(envelope: Record<string, unknown>, issues: ValidationIssue[], dataSchema: StandardSchemaV1 | undefined, subject: string): Envelope {
  if (dataSchema !== undefined) {
    const result = validateWithSchema(dataSchema, envelope.data, ['data']);
    if (!result.ok) issues.push(...result.issues);
    else envelope.data = result.value;
  }
  if (issues.length > 0) throw new ValidationError(subject, issues);
  return envelope as unknown as Envelope;
}

const FIELDS = ['id', 'type', 'source', 'subject', 'time', 'schemaVersion', 'correlationId', 'causationId', 'partitionKey', 'dataContentType', 'dataSchemaUri', 'data', 'extensions', 'traceparent', 'tracestate'] as const;

function buildEnvelope(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = source[key];
    if (value === null && key !== 'data') continue;
    if (value !== undefined) out[key] = value;
  }
  if (!('data' in out)) out.data = undefined;
  return out;
}
