import { CLOUDEVENTS_JSON, ErrorCode, IapError, decodeEnvelope, encodeEnvelope, isJsonContentType, isValidationError, validateEnvelope, type Envelope } from '@iap/core';
import { decodeUtf8, headerString, isHeaderArray } from './header-values.js';
import { messageDecodeError } from './kafka-errors.js';
import type { OutgoingRecord, RecordHeaders, RecordLocation } from './kafka-record.js';

/**
 * The two CloudEvents Kafka protocol binding modes:
 * - `binary`: attributes in `ce_*` headers, `content-type` from `dataContentType`, the data alone as
 *   the value (readable by consumers that know nothing of CloudEvents);
 * - `structured`: the whole event as JSON in the value, `content-type: application/cloudevents+json`.
 *
 * @example
 * ```ts
 * const publisher = createKafkaPublisher({ transport, mode: 'structured' satisfies CloudEventsMode });
 * ```
 */
export type CloudEventsMode = 'binary' | 'structured';

/**
 * Header names the codec reads and writes.
 *
 * @example
 * ```ts
 * const type = headerString(message.headers, `${CloudEventsHeaders.PREFIX}type`);
 * ```
 */
export const CloudEventsHeaders = {
  /** Prefix of every attribute header in binary mode (`ce_id`, `ce_type`, ...). */
  PREFIX: 'ce_',
  CONTENT_TYPE: 'content-type',
  SPEC_VERSION: 'ce_specversion',
  SCHEMA_VERSION: 'ce_schemaversion',
  CORRELATION_ID: 'ce_correlationid',
  /** W3C trace context, under the names OpenTelemetry's Kafka propagation uses. */
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
} as const;

/**
 * Options for {@link encodeKafkaRecord}.
 *
 * @example
 * ```ts
 * encodeKafkaRecord(envelope, { mode: 'binary', headers: { 'x-tenant': 'acme' }, key: envelope.subject });
 * ```
 */
export interface EncodeKafkaRecordOptions {
  /** @defaultValue `'binary'` */
  readonly mode?: CloudEventsMode | undefined;
  /** Extra headers; on a name clash the codec's own headers win. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The record key. @defaultValue the envelope's `partitionKey` (no key when it has none) */
  readonly key?: string | undefined;
  /**
   * The envelope's `data` already serialised as JSON (core's `PublishMessage.dataJson`). Binary mode
   * writes it as the value, as it is, when the content type is JSON, instead of serialising `data`
   * again; structured mode and other content types ignore it.
   */
  readonly dataJson?: string | undefined;
}

const STRUCTURED_CONTENT_TYPE = `${CLOUDEVENTS_JSON}; charset=utf-8`;

/**
 * Encodes an envelope as a Kafka record in either CloudEvents binding mode. The partition key becomes
 * the record key. In both modes the schema version (`ce_schemaversion`), correlation id
 * (`ce_correlationid`) and W3C trace context (`traceparent`, `tracestate`) travel as headers, so
 * routing and tracing need not parse the value; in structured mode the value stays authoritative.
 *
 * Binary mode writes the data as JSON when `dataContentType` is JSON (`application/json`, `*+json`),
 * a `Uint8Array` as is, and a string as UTF-8 for other content types.
 *
 * @throws IapError `DECODE` when the data cannot be represented as JSON (a cycle, a bigint).
 * @example
 * ```ts
 * const record = encodeKafkaRecord(envelope, { mode: 'structured' });
 * await producer.send({ topic: 'orders', messages: [record] });
 * ```
 */
export function encodeKafkaRecord(envelope: Envelope, options: EncodeKafkaRecordOptions = {}): OutgoingRecord {
  const key = options.key ?? envelope.partitionKey;
  let value: Buffer | null;
  let headers: Record<string, string>;
  if (options.mode === 'structured') {
    const bytes = encodeEnvelope(envelope);
    value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    headers = { 'content-type': STRUCTURED_CONTENT_TYPE, ce_schemaversion: envelope.schemaVersion };
    if (envelope.correlationId !== undefined) headers.ce_correlationid = envelope.correlationId;
  } else {
    value = options.dataJson !== undefined && isJsonContentType(envelope.dataContentType) ? Buffer.from(options.dataJson, 'utf8') : encodeData(envelope);
    // the headers every binary record has, in one literal; optional ones after
    headers = {
      ce_specversion: '1.0',
      ce_id: envelope.id,
      ce_source: envelope.source,
      ce_type: envelope.type,
      ce_time: envelope.time,
      'content-type': envelope.dataContentType,
      ce_schemaversion: envelope.schemaVersion,
    };
    if (envelope.subject !== undefined) headers.ce_subject = envelope.subject;
    if (envelope.correlationId !== undefined) headers.ce_correlationid = envelope.correlationId;
    if (envelope.causationId !== undefined) headers.ce_causationid = envelope.causationId;
    if (envelope.dataSchemaUri !== undefined) headers.ce_dataschema = envelope.dataSchemaUri;
    const extensions = envelope.extensions;
    // binary mode: every attribute is a header string; booleans and integers in their canonical form
    for (const name in extensions) headers[`ce_${name}`] = String(extensions[name]);
  }
  if (envelope.traceparent !== undefined) headers.traceparent = envelope.traceparent;
  if (envelope.tracestate !== undefined) headers.tracestate = envelope.tracestate;
  if (options.headers !== undefined && hasKeys(options.headers)) headers = { ...options.headers, ...headers };
  return { key: key === undefined ? null : Buffer.from(key, 'utf8'), value, headers };
}

function hasKeys(object: Readonly<Record<string, string>>): boolean {
  for (const _ in object) return true;
  return false;
}

function encodeData(envelope: Envelope): Buffer | null {
  const data: unknown = envelope.data;
  if (data === undefined) return null;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string' && !isJsonContentType(envelope.dataContentType)) return Buffer.from(data, 'utf8');
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new IapError(ErrorCode.DECODE, `envelope ${envelope.id} cannot be encoded: its data holds a cycle or a value JSON cannot represent`, { cause: error });
  }
  if (json === undefined) throw new IapError(ErrorCode.DECODE, `envelope ${envelope.id} cannot be encoded: its data is not representable as JSON`);
  return Buffer.from(json, 'utf8');
}


/**
 * The parts of a record the codec reads. kafkajs' consumed messages fit as they are.
 *
 * @example
 * ```ts
 * const record: DecodableRecord = { key: null, value: Buffer.from('{}'), headers: { ce_specversion: '1.0' } };
 * ```
 */
export interface DecodableRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders | undefined;
}

/**
 * The result of {@link tryDecodeKafkaRecord}.
 *
 * @example
 * ```ts
 * const result: DecodeKafkaRecordResult = tryDecodeKafkaRecord(message);
 * if (!result.ok) console.warn(result.error.message);
 * ```
 */
export type DecodeKafkaRecordResult =
  | { readonly ok: true; readonly envelope: Envelope; readonly mode: CloudEventsMode }
  | { readonly ok: false; readonly error: IapError };

/**
 * Decodes a Kafka record in either CloudEvents binding mode into a validated envelope, without
 * throwing: malformed records give `{ ok: false, error }` with an `IapError` code `MESSAGE_DECODE`
 * whose message and `details` name the topic, partition, offset and header (never a value).
 *
 * The mode is chosen as the binding specifies: `content-type: application/cloudevents...` means
 * structured, otherwise a `ce_specversion` header means binary. The record key becomes the partition
 * key when the event does not carry one. In binary mode JSON content types are parsed, `text/*`
 * becomes a string and anything else stays bytes (`Uint8Array`).
 *
 * @example
 * ```ts
 * const result = tryDecodeKafkaRecord(message, { topic, partition, offset: message.offset });
 * if (result.ok) handle(result.envelope); else deadLetter(message, result.error);
 * ```
 */
export function tryDecodeKafkaRecord(record: DecodableRecord, location?: RecordLocation): DecodeKafkaRecordResult {
  const decoded = decodeRecordOrError(record, location);
  if (IapError.isInstance(decoded)) return { ok: false, error: decoded };
  return { ok: true, envelope: decoded, mode: isStructured(headerString(record.headers, CloudEventsHeaders.CONTENT_TYPE)) ? 'structured' : 'binary' };
}

function isStructured(contentType: string | undefined): contentType is string {
  return contentType !== undefined && contentType.slice(0, 23).toLowerCase() === 'application/cloudevents';
}

/**
 * The decoder behind {@link tryDecodeKafkaRecord}, returning the envelope or the `MESSAGE_DECODE`
 * error itself (no result object: the consumer's hot path). Never throws.
 */
export function decodeRecordOrError(record: DecodableRecord, location?: RecordLocation): Envelope | IapError {
  try {
    const raw = record.headers?.[CloudEventsHeaders.CONTENT_TYPE];
    const last = raw === undefined ? undefined : isHeaderArray(raw) ? raw[raw.length - 1] : raw;
    const contentType = last === undefined ? undefined : typeof last === 'string' ? last : repeatingHeaderText(CloudEventsHeaders.CONTENT_TYPE, last);
    if (isStructured(contentType)) return decodeStructured(record, contentType, location);
    if (record.headers?.[CloudEventsHeaders.SPEC_VERSION] !== undefined) return decodeBinary(record, contentType, location);
    return messageDecodeError(location, 'it is not a CloudEvent: no content-type application/cloudevents+json and no ce_specversion header', {
      details: { header: CloudEventsHeaders.SPEC_VERSION },
    });
  } catch (error) {
    // defensive: the decoders report problems as values; anything thrown here is unexpected input
    return messageDecodeError(location, 'unexpected record shape', { cause: error });
  }
}

/**
 * Decodes a Kafka record into a validated envelope; the throwing twin of {@link tryDecodeKafkaRecord}.
 *
 * @throws IapError code `MESSAGE_DECODE` naming the topic, partition, offset and header.
 * @example
 * ```ts
 * const envelope = decodeKafkaRecord(message, { topic: 'orders', partition: 0, offset: message.offset });
 * ```
 */
export function decodeKafkaRecord(record: DecodableRecord, location?: RecordLocation): Envelope {
  const result = tryDecodeKafkaRecord(record, location);
  if (!result.ok) throw result.error;
  return result.envelope;
}

function decodeStructured(record: DecodableRecord, contentType: string, location: RecordLocation | undefined): Envelope | IapError {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (media !== CLOUDEVENTS_JSON) {
    return messageDecodeError(location, `content-type ${media} is not supported (only ${CLOUDEVENTS_JSON}; batches are not)`, {
      details: { header: CloudEventsHeaders.CONTENT_TYPE },
    });
  }
  if (record.value === null) return messageDecodeError(location, 'a structured CloudEvent needs a value, the record has none');
  let envelope: Envelope;
  try {
    envelope = decodeEnvelope(record.value);
  } catch (error) {
    return wrapCoreError(location, error);
  }
  return withKey(envelope, record.key);
}

const NO_EXTENSIONS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Headers whose value is usually the same record after record (one producer, one event type): the
 * last value of each is remembered with its bytes, and a byte comparison replaces the string
 * decoding when it repeats. Bounded: one entry per name, values up to 128 bytes.
 */
const REPEATING_HEADERS: ReadonlySet<string> = new Set(['ce_specversion', 'ce_source', 'ce_type', 'ce_schemaversion', 'ce_datacontenttype', CloudEventsHeaders.CONTENT_TYPE]);
const lastHeaderValue = new Map<string, { readonly bytes: Uint8Array; readonly text: string }>();

function repeatingHeaderText(name: string, bytes: Buffer): string | undefined {
  const cached = lastHeaderValue.get(name);
  if (cached !== undefined && sameBytes(cached.bytes, bytes)) return cached.text;
  const text = decodeUtf8(bytes);
  if (text !== undefined && bytes.length <= 128) lastHeaderValue.set(name, { bytes: Uint8Array.from(bytes), text });
  return text;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Attributes binary mode maps to envelope fields; any other `ce_*` header is an extension. */
function decodeBinary(record: DecodableRecord, contentType: string | undefined, location: RecordLocation | undefined): Envelope | IapError {
  const headers = record.headers!;
  let specversion: string | undefined;
  let id: string | undefined;
  let source: string | undefined;
  let type: string | undefined;
  let time: string | undefined;
  let subject: string | undefined;
  let schemaVersion: string | undefined;
  let correlationId: string | undefined;
  let causationId: string | undefined;
  let partitionKey: string | undefined;
  let dataSchemaUri: string | undefined;
  let ceContentType: string | undefined;
  let ceTraceparent: string | undefined;
  let ceTracestate: string | undefined;
  let extensions: Record<string, string> | undefined;
  let traceparent: string | undefined;
  let tracestate: string | undefined;
  for (const name in headers) {
    const isAttribute = name.length > 3 && name.charCodeAt(0) === 99 && name.charCodeAt(1) === 101 && name.charCodeAt(2) === 95; // 'ce_'
    if (!isAttribute && name !== CloudEventsHeaders.TRACEPARENT && name !== CloudEventsHeaders.TRACESTATE) continue;
    const raw = headers[name];
    if (raw === undefined) continue;
    const last = isHeaderArray(raw) ? raw[raw.length - 1] : raw;
    if (last === undefined) continue;
    const text = typeof last === 'string' ? last : name.length <= 16 && REPEATING_HEADERS.has(name) ? repeatingHeaderText(name, last) : decodeUtf8(last);
    if (text === undefined) {
      return messageDecodeError(location, `header ${name} is not valid UTF-8`, { details: { header: name } });
    }
    switch (name) {
      case 'ce_specversion':
        specversion = text;
        break;
      case 'ce_id':
        id = text;
        break;
      case 'ce_source':
        source = text;
        break;
      case 'ce_type':
        type = text;
        break;
      case 'ce_time':
        time = text;
        break;
      case 'ce_subject':
        subject = text;
        break;
      case 'ce_schemaversion':
        schemaVersion = text;
        break;
      case 'ce_correlationid':
        correlationId = text;
        break;
      case 'ce_causationid':
        causationId = text;
        break;
      case 'ce_partitionkey':
        partitionKey = text;
        break;
      case 'ce_dataschema':
        dataSchemaUri = text;
        break;
      case 'ce_datacontenttype':
        ceContentType = text;
        break;
      case 'ce_traceparent':
        ceTraceparent = text;
        break;
      case 'ce_tracestate':
        ceTracestate = text;
        break;
      case 'traceparent':
        traceparent = text;
        break;
      case 'tracestate':
        tracestate = text;
        break;
      default:
        (extensions ??= {})[name.slice(3)] = text;
    }
  }
  const dataContentType = contentType ?? ceContentType;
  if (partitionKey === undefined && record.key !== null) partitionKey = decodeUtf8(record.key);
  traceparent ??= ceTraceparent;
  tracestate ??= ceTracestate;

  let data: unknown;
  const value = record.value;
  if (value !== null) {
    if (isJsonContentType(dataContentType)) {
      const text = decodeUtf8(value);
      if (text === undefined) return messageDecodeError(location, 'the value is not valid UTF-8 JSON', { details: { header: CloudEventsHeaders.CONTENT_TYPE } });
      try {
        data = JSON.parse(text);
      } catch (error) {
        const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
        return messageDecodeError(location, `the value is not valid JSON${position === undefined ? '' : ` (at position ${position})`} although content-type says JSON`, {
          details: { header: CloudEventsHeaders.CONTENT_TYPE, ...(position === undefined ? {} : { position: Number(position) }) },
        });
      }
    } else if (dataContentType !== undefined && dataContentType.slice(0, 5).toLowerCase() === 'text/') {
      const text = decodeUtf8(value);
      if (text === undefined) return messageDecodeError(location, `the value is not valid UTF-8 although content-type is ${dataContentType.split(';', 1)[0]!}`);
      data = text;
    } else {
      data = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    }
  }

  // the fields every envelope has, in one literal (one allocation, one shape); optional ones after
  const envelope: Record<string, unknown> = {
    id,
    type,
    source,
    time,
    schemaVersion: schemaVersion ?? '1',
    dataContentType: dataContentType ?? 'application/json',
    data,
    extensions: extensions ?? NO_EXTENSIONS,
  };
  if (subject !== undefined) envelope.subject = subject;
  if (correlationId !== undefined) envelope.correlationId = correlationId;
  if (causationId !== undefined) envelope.causationId = causationId;
  if (partitionKey !== undefined) envelope.partitionKey = partitionKey;
  if (dataSchemaUri !== undefined) envelope.dataSchemaUri = dataSchemaUri;
  if (traceparent !== undefined) envelope.traceparent = traceparent;
  if (tracestate !== undefined) envelope.tracestate = tracestate;

  const problems = validateEnvelope(envelope);
  if (specversion !== '1.0') problems.unshift({ path: ['specversion'], message: 'only CloudEvents 1.0 is supported' });
  if (problems.length > 0) {
    const issues = problems.map((issue) => ({ path: headerOfField(issue.path), message: issue.message }));
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return messageDecodeError(location, `invalid CloudEvent attributes (${list})`, { details: { issues } });
  }
  return envelope as unknown as Envelope;
}

/** The header a binary-mode envelope field came from. */
const HEADER_OF_FIELD: Readonly<Record<string, string>> = {
  specversion: CloudEventsHeaders.SPEC_VERSION,
  schemaVersion: CloudEventsHeaders.SCHEMA_VERSION,
  correlationId: CloudEventsHeaders.CORRELATION_ID,
  causationId: 'ce_causationid',
  partitionKey: 'key',
  dataSchemaUri: 'ce_dataschema',
  dataContentType: CloudEventsHeaders.CONTENT_TYPE,
  traceparent: CloudEventsHeaders.TRACEPARENT,
  tracestate: CloudEventsHeaders.TRACESTATE,
  data: 'value',
};

function headerOfField(path: ReadonlyArray<string | number>): string {
  const [field, name] = path;
  if (field === 'extensions' && name !== undefined) return `ce_${String(name)}`;
  if (typeof field !== 'string') return '<record>';
  return HEADER_OF_FIELD[field] ?? `ce_${field}`;
}

function withKey(envelope: Envelope, key: Buffer | null): Envelope {
  if (envelope.partitionKey !== undefined || key === null) return envelope;
  const partitionKey = decodeUtf8(key);
  return partitionKey === undefined ? envelope : { ...envelope, partitionKey };
}

function wrapCoreError(location: RecordLocation | undefined, error: unknown): IapError {
  if (isValidationError(error)) {
    const issues = error.issues.map((issue) => {
      return { path: issue.path.join('.'), message: issue.message };
    });
    const list = issues.map((i) => `${i.path || '<root>'}: ${i.message}`).join('; ');
    return messageDecodeError(location, `invalid CloudEvent attributes (${list})`, { cause: error, details: { issues } });
  }
  const message = error instanceof Error ? error.message : 'unknown problem';
  return messageDecodeError(location, message, { cause: error });
}
