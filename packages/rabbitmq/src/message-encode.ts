import { encodeEnvelope, isJsonContentType, type Envelope } from '@iap/core';
import { CloudEventsAmqp, type AmqpContentMode, type AmqpMessage } from './amqp-message.js';
import { RabbitMqEncodeError } from './rabbitmq-errors.js';
import type { AmqpFieldValue } from './transport.js';

/**
 * Options for {@link encodeAmqpMessage}.
 *
 * @example
 * ```ts
 * import type { EncodeAmqpMessageOptions } from '@iap/rabbitmq';
 *
 * const options: EncodeAmqpMessageOptions = { mode: 'binary', headers: { 'x-tenant': 'acme' } };
 * ```
 */
export interface EncodeAmqpMessageOptions {
  /** @defaultValue `'binary'` */
  readonly mode?: AmqpContentMode | undefined;
  /** Extra headers; on a name clash the codec's own win. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The data already serialised as JSON (core's `PublishMessage.dataJson`); binary mode sends it as it is for JSON content types. */
  readonly dataJson?: string | undefined;
  /** Delivery mode 2 (persistent) when true, 1 otherwise. @defaultValue `true` */
  readonly persistent?: boolean | undefined;
}

const EMPTY = new Uint8Array(0);

/**
 * Encodes an envelope as an AMQP 0-9-1 message following the CloudEvents AMQP protocol binding.
 * Binary mode (the default): every attribute but `datacontenttype` as a `cloudEvents:<name>` header
 * (`schemaversion`, `correlationid`, `causationid`, `partitionkey` and extensions included; booleans
 * as AMQP booleans, integers as AMQP longs, everything else as its canonical string), the content
 * type as the `content-type` property, the data as the body (JSON for JSON types, bytes as they are,
 * a string as UTF-8). In both modes `message-id` is the envelope id, the delivery is persistent, and
 * the W3C trace context is also written as plain `traceparent` / `tracestate` headers.
 *
 * @throws RabbitMqEncodeError when the data cannot be represented as JSON (a cycle, a bigint).
 * @example
 * ```ts
 * import { encodeAmqpMessage } from '@iap/rabbitmq';
 * import { createEnvelope } from '@iap/core';
 *
 * const { content, properties } = encodeAmqpMessage(createEnvelope({ type: 'order.placed', source: '/orders', data: { id: 'o-1' } }));
 * ```
 */
export function encodeAmqpMessage(envelope: Envelope, options: EncodeAmqpMessageOptions = {}): AmqpMessage {
  const deliveryMode = options.persistent === false ? 1 : 2;
  let headers: Record<string, AmqpFieldValue>;
  let content: Uint8Array;
  let contentType: string;
  if (options.mode === 'structured') {
    try {
      content = encodeEnvelope(envelope);
    } catch (error) {
      throw new RabbitMqEncodeError(envelope.id, 'its data holds a cycle or a value JSON cannot represent', error);
    }
    contentType = CloudEventsAmqp.STRUCTURED_CONTENT_TYPE;
    headers = {};
  } else {
    content = options.dataJson !== undefined && isJsonContentType(envelope.dataContentType) ? Buffer.from(options.dataJson, 'utf8') : encodeData(envelope);
    contentType = envelope.dataContentType;
    headers = {
      'cloudEvents:specversion': '1.0',
      'cloudEvents:id': envelope.id,
      'cloudEvents:source': envelope.source,
      'cloudEvents:type': envelope.type,
      'cloudEvents:time': envelope.time,
      'cloudEvents:schemaversion': envelope.schemaVersion,
    };
    if (envelope.subject !== undefined) headers['cloudEvents:subject'] = envelope.subject;
    if (envelope.correlationId !== undefined) headers['cloudEvents:correlationid'] = envelope.correlationId;
    if (envelope.causationId !== undefined) headers['cloudEvents:causationid'] = envelope.causationId;
    if (envelope.partitionKey !== undefined) headers['cloudEvents:partitionkey'] = envelope.partitionKey;
    if (envelope.dataSchemaUri !== undefined) headers['cloudEvents:dataschema'] = envelope.dataSchemaUri;
    if (envelope.traceparent !== undefined) headers['cloudEvents:traceparent'] = envelope.traceparent;
    if (envelope.tracestate !== undefined) headers['cloudEvents:tracestate'] = envelope.tracestate;
    const extensions = envelope.extensions;
    for (const name in extensions) {
      const value = extensions[name]!;
      // the binding's type table: Boolean -> boolean, Integer -> long, String -> string
      headers[`cloudEvents:${name}`] = typeof value === 'number' ? { '!': 'long', value } : value;
    }
  }
  if (envelope.traceparent !== undefined) headers.traceparent = envelope.traceparent;
  if (envelope.tracestate !== undefined) headers.tracestate = envelope.tracestate;
  if (options.headers !== undefined) {
    for (const name in options.headers) if (!(name in headers)) headers[name] = options.headers[name];
  }
  return {
    content,
    properties: {
      contentType,
      messageId: envelope.id,
      deliveryMode,
      headers,
      ...(envelope.correlationId === undefined ? {} : { correlationId: envelope.correlationId }),
    },
  };
}

function encodeData(envelope: Envelope): Uint8Array {
  const data: unknown = envelope.data;
  if (data === undefined) return EMPTY;
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string' && !isJsonContentType(envelope.dataContentType)) return Buffer.from(data, 'utf8');
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new RabbitMqEncodeError(envelope.id, 'its data holds a cycle or a value JSON cannot represent', error);
  }
  if (json === undefined) throw new RabbitMqEncodeError(envelope.id, 'its data is not representable as JSON');
  return Buffer.from(json, 'utf8');
}
