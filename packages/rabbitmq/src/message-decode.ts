import { CLOUDEVENTS_JSON, decodeEnvelope, isJsonContentType, toIapError, validateEnvelope, type Envelope, type ExtensionValue } from '@iap/core';
import { CloudEventsAmqp, type AmqpContentMode, type AmqpMessage } from './amqp-message.js';
import { RabbitMqDecodeError } from './rabbitmq-errors.js';

/**
 * The result of {@link tryDecodeAmqpMessage}.
 *
 * @example
 * ```ts
 * import { tryDecodeAmqpMessage, type DecodeAmqpMessageResult } from '@iap/rabbitmq';
 *
 * const result: DecodeAmqpMessageResult = tryDecodeAmqpMessage({ content: new Uint8Array(), properties: {} });
 * if (!result.ok) console.warn(result.error.message);
 * ```
 */
export type DecodeAmqpMessageResult = { readonly ok: true; readonly envelope: Envelope; readonly mode: AmqpContentMode } | { readonly ok: false; readonly error: RabbitMqDecodeError };

const PREFIX = CloudEventsAmqp.PREFIX;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The envelope field each `cloudEvents:` attribute maps to (others are extensions). */
const FIELD_OF_ATTRIBUTE: Readonly<Record<string, string>> = {
  specversion: 'specversion',
  id: 'id',
  source: 'source',
  type: 'type',
  time: 'time',
  subject: 'subject',
  schemaversion: 'schemaVersion',
  correlationid: 'correlationId',
  causationid: 'causationId',
  partitionkey: 'partitionKey',
  dataschema: 'dataSchemaUri',
  datacontenttype: 'ceDataContentType',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
};
const ATTRIBUTE_OF_FIELD: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(FIELD_OF_ATTRIBUTE).map(([attribute, field]) => [field, attribute]));

/**
 * Decodes an AMQP message in either CloudEvents AMQP binding mode into a validated envelope, without
 * throwing. The mode is chosen as the binding says: a `content-type` starting with
 * `application/cloudevents` means structured, otherwise binary, which needs a
 * `cloudEvents:specversion` header. Header values are read in both forms the binding allows: the
 * native AMQP type (boolean, integer, timestamp, binary) or the canonical string. Extensions keep
 * their type (booleans, integers); binary becomes its base64 string. JSON content types are parsed,
 * `text/*` becomes a string, anything else stays bytes. Plain `traceparent` / `tracestate` headers
 * are read when the `cloudEvents:` ones are absent.
 *
 * @example
 * ```ts
 * import { tryDecodeAmqpMessage } from '@iap/rabbitmq';
 *
 * const result = tryDecodeAmqpMessage({ content: Buffer.from('{}'), properties: { contentType: 'application/json', headers: {} } });
 * if (!result.ok) console.warn(result.error.property, result.error.message);
 * ```
 */
export function tryDecodeAmqpMessage(message: AmqpMessage): DecodeAmqpMessageResult {
  try {
    const contentType = message.properties.contentType;
    if (contentType !== undefined && contentType.slice(0, 23).toLowerCase() === 'application/cloudevents') return decodeStructured(message, contentType);
    if (message.properties.headers?.[CloudEventsAmqp.SPEC_VERSION] === undefined) {
      return fail('it is not a CloudEvent: no content-type application/cloudevents+json and no cloudEvents:specversion header', CloudEventsAmqp.SPEC_VERSION);
    }
    return decodeBinary(message);
  } catch (error) {
    // defensive: problems are reported as values; anything thrown here is unexpected input
    return { ok: false, error: new RabbitMqDecodeError('unexpected message shape', {}, error) };
  }
}

/**
 * Decodes an AMQP message into a validated envelope; the throwing twin of {@link tryDecodeAmqpMessage}.
 *
 * @throws RabbitMqDecodeError (code `MESSAGE_DECODE`) naming the header or property at fault.
 * @example
 * ```ts
 * import { decodeAmqpMessage, encodeAmqpMessage } from '@iap/rabbitmq';
 * import { createEnvelope } from '@iap/core';
 *
 * const envelope = decodeAmqpMessage(encodeAmqpMessage(createEnvelope({ type: 't', source: '/s', data: 1 })));
 * ```
 */
export function decodeAmqpMessage(message: AmqpMessage): Envelope {
  const result = tryDecodeAmqpMessage(message);
  if (!result.ok) throw result.error;
  return result.envelope;
}

function fail(problem: string, property?: string, cause?: unknown): { ok: false; error: RabbitMqDecodeError } {
  return { ok: false, error: new RabbitMqDecodeError(problem, property === undefined ? {} : { property }, cause) };
}

function decodeStructured(message: AmqpMessage, contentType: string): DecodeAmqpMessageResult {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (media !== CLOUDEVENTS_JSON) return fail(`content-type ${media} is not supported (only ${CLOUDEVENTS_JSON}; batches are not)`, 'content-type');
  try {
    return { ok: true, envelope: decodeEnvelope(message.content), mode: 'structured' };
  } catch (error) {
    return fail(`the structured body is not a valid CloudEvent (${toIapError(error).message})`, 'body', error);
  }
}

/** A header value as text (String, URI, Timestamp attributes), or undefined when its type cannot be one. */
function attributeText(attribute: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null && '!' in value) {
    const typed = value as { readonly '!': unknown; readonly value: unknown };
    // AMQP 0-9-1 timestamps are whole seconds
    if (typed['!'] === 'timestamp' && typeof typed.value === 'number' && attribute === 'time') return new Date(typed.value * 1000).toISOString();
    if (typeof typed.value === 'number' || typeof typed.value === 'bigint') return String(typed.value);
  }
  return undefined;
}

/** An extension value in its CloudEvents type: Boolean, Integer, or String (Binary as base64). */
function extensionValue(value: unknown): ExtensionValue | undefined {
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null && '!' in value) {
    const typed = value as { readonly '!': unknown; readonly value: unknown };
    if (typed['!'] === 'timestamp' && typeof typed.value === 'number') return new Date(typed.value * 1000).toISOString();
    if (typeof typed.value === 'number') return typed.value;
    if (typeof typed.value === 'bigint') return Number(typed.value);
  }
  return undefined;
}

function decodeBinary(message: AmqpMessage): DecodeAmqpMessageResult {
  const headers = message.properties.headers!;
  const fields: Record<string, string> = {};
  let extensions: Record<string, ExtensionValue> | undefined;
  for (const name in headers) {
    if (!name.startsWith(PREFIX)) continue;
    const attribute = name.slice(PREFIX.length);
    const raw = headers[name];
    if (raw === undefined || raw === null) continue;
    const field = FIELD_OF_ATTRIBUTE[attribute];
    if (field === undefined) {
      const value = extensionValue(raw);
      if (value === undefined) return fail(`header ${name} has a type no CloudEvents attribute can have`, name);
      (extensions ??= {})[attribute] = value;
      continue;
    }
    let text: string | undefined;
    try {
      text = attributeText(attribute, raw);
    } catch (error) {
      return fail(`header ${name} is not valid UTF-8`, name, error);
    }
    if (text === undefined) return fail(`header ${name} has a type the ${attribute} attribute cannot have`, name);
    fields[field] = text;
  }
  const plainTraceparent = headers[CloudEventsAmqp.TRACEPARENT];
  const plainTracestate = headers[CloudEventsAmqp.TRACESTATE];
  if (fields.traceparent === undefined && typeof plainTraceparent === 'string') fields.traceparent = plainTraceparent;
  if (fields.tracestate === undefined && typeof plainTracestate === 'string') fields.tracestate = plainTracestate;

  const dataContentType = message.properties.contentType ?? fields.ceDataContentType ?? 'application/json';
  const data = decodeData(message.content, dataContentType);
  if (data instanceof RabbitMqDecodeError) return { ok: false, error: data };

  const envelope: Record<string, unknown> = {
    id: fields.id,
    type: fields.type,
    source: fields.source,
    time: fields.time,
    schemaVersion: fields.schemaVersion ?? '1',
    dataContentType,
    data,
    extensions: extensions ?? {},
  };
  for (const optional of ['subject', 'correlationId', 'causationId', 'partitionKey', 'dataSchemaUri', 'traceparent', 'tracestate']) {
    if (fields[optional] !== undefined) envelope[optional] = fields[optional];
  }
  const problems = validateEnvelope(envelope);
  if (fields.specversion !== '1.0') problems.unshift({ path: ['specversion'], message: 'only CloudEvents 1.0 is supported' });
  if (problems.length > 0) {
    const issues = problems.map((issue) => ({ property: propertyOfPath(issue.path), message: issue.message }));
    return fail(`invalid CloudEvent attributes (${issues.map((i) => `${i.property}: ${i.message}`).join('; ')})`, issues[0]!.property);
  }
  return { ok: true, envelope: envelope as unknown as Envelope, mode: 'binary' };
}

function propertyOfPath(path: ReadonlyArray<PropertyKey>): string {
  const [head, next] = path;
  if (head === 'dataContentType') return 'content-type';
  if (head === 'data') return 'body';
  if (head === 'extensions' && next !== undefined) return `${PREFIX}${String(next)}`;
  const attribute = typeof head === 'string' ? (ATTRIBUTE_OF_FIELD[head] ?? head) : String(head);
  return `${PREFIX}${attribute}`;
}

function decodeData(content: Uint8Array, contentType: string): unknown {
  if (isJsonContentType(contentType)) {
    if (content.length === 0) return undefined;
    let text: string;
    try {
      text = utf8.decode(content);
    } catch (error) {
      return new RabbitMqDecodeError('the body is not valid UTF-8 JSON', { property: 'body' }, error);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      return new RabbitMqDecodeError('the body is not valid JSON although content-type says JSON', { property: 'body' }, error);
    }
  }
  if (contentType.slice(0, 5).toLowerCase() === 'text/') {
    try {
      return utf8.decode(content);
    } catch (error) {
      return new RabbitMqDecodeError(`the body is not valid UTF-8 although content-type is ${contentType.split(';', 1)[0]!}`, { property: 'body' }, error);
    }
  }
  return Buffer.isBuffer(content) ? new Uint8Array(content.buffer, content.byteOffset, content.byteLength) : content;
}
