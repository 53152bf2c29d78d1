import type { AmqpMessageProperties } from './transport.js';

/**
 * The two CloudEvents AMQP binding content modes:
 * - `binary`: attributes in `cloudEvents:`-prefixed headers (the binding's application properties),
 *   `datacontenttype` as the `content-type` property, the data alone as the body;
 * - `structured`: the whole event as JSON in the body, `content-type: application/cloudevents+json`.
 *
 * @example
 * ```ts
 * import type { AmqpContentMode } from '@iap/rabbitmq';
 *
 * const mode: AmqpContentMode = 'binary';
 * ```
 */
export type AmqpContentMode = 'binary' | 'structured';

/**
 * An AMQP message: its body and basic properties (headers included), as published and as consumed.
 *
 * @example
 * ```ts
 * import { encodeAmqpMessage, type AmqpMessage } from '@iap/rabbitmq';
 * import { createEnvelope } from '@iap/core';
 *
 * const message: AmqpMessage = encodeAmqpMessage(createEnvelope({ type: 'order.placed', source: '/orders', data: {} }));
 * ```
 */
export interface AmqpMessage {
  readonly content: Uint8Array;
  readonly properties: AmqpMessageProperties;
}

/**
 * Names the codec reads and writes. `PREFIX` is the CloudEvents AMQP binding's prefix of attribute
 * names in the application properties (RabbitMQ maps AMQP 1.0 application properties to AMQP 0-9-1
 * headers and back, so these are message headers here).
 *
 * @example
 * ```ts
 * import { CloudEventsAmqp } from '@iap/rabbitmq';
 *
 * const typeHeader = `${CloudEventsAmqp.PREFIX}type`; // 'cloudEvents:type'
 * ```
 */
export const CloudEventsAmqp = {
  PREFIX: 'cloudEvents:',
  SPEC_VERSION: 'cloudEvents:specversion',
  /** W3C trace context also under the plain names OpenTelemetry's AMQP propagation reads. */
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
  STRUCTURED_CONTENT_TYPE: 'application/cloudevents+json; charset=utf-8',
} as const;
