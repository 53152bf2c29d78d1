/**
 * @packageDocumentation
 * @iap/rabbitmq: a `Publisher` for the outbox relay on RabbitMQ (publisher confirms, mandatory
 * routing, CloudEvents AMQP binding), the AMQP message codec, and idempotent topology setup. The
 * amqplib adapter is in `@iap/rabbitmq/amqplib`.
 */
export { RabbitMqErrorCode } from './rabbitmq-error-codes.js';
export {
  RabbitMqUnroutableError,
  RabbitMqExchangeNotFoundError,
  RabbitMqNackError,
  RabbitMqConnectionError,
  RabbitMqConfirmTimeoutError,
  RabbitMqEncodeError,
  RabbitMqTopologyError,
  RabbitMqDecodeError,
} from './rabbitmq-errors.js';
export { CloudEventsAmqp } from './amqp-message.js';
export type { AmqpContentMode, AmqpMessage } from './amqp-message.js';
export { encodeAmqpMessage } from './message-encode.js';
export type { EncodeAmqpMessageOptions } from './message-encode.js';
export { decodeAmqpMessage, tryDecodeAmqpMessage } from './message-decode.js';
export type { DecodeAmqpMessageResult } from './message-decode.js';
export { createRabbitMqPublisher } from './rabbitmq-publisher.js';
export type { RabbitMqPublisher } from './rabbitmq-publisher.js';
export type { RabbitMqPublisherOptions, AmqpRoute } from './rabbitmq-publisher-options.js';
export { ensureTopology } from './topology.js';
export type { EnsureTopologyOptions, TopologyResult } from './topology.js';
export { planTopology } from './topology-plan.js';
export type { ExchangeSpec, QueueSpec, TopologyStep } from './topology-plan.js';
export type { AmqpTransport, AmqpConnection, AmqpChannel, AmqpConfirmChannel, AmqpMessageProperties, AmqpReturnedMessage, AmqpFieldValue } from './transport.js';
