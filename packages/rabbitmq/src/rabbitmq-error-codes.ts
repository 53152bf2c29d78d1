/**
 * The error codes of @iap/rabbitmq. Core's generic codes (`INVALID_OPTIONS`, `CLOSED`, `ABORTED`,
 * ...) are in `ErrorCode` of @iap/core; these are the ones this package raises.
 * `MESSAGE_DECODE` has the same value as core's, so a broker-neutral consume pipeline dead-letters
 * an undecodable AMQP message exactly as it does a Kafka record.
 *
 * @example
 * ```ts
 * import { RabbitMqErrorCode } from '@iap/rabbitmq';
 *
 * const topologyMissing = (error: { code?: string }): boolean => error.code === RabbitMqErrorCode.RABBITMQ_UNROUTABLE;
 * ```
 */
export const RabbitMqErrorCode = {
  /** The broker returned a `mandatory` message (basic.return): no queue is bound for its exchange and routing key. Retryable. */
  RABBITMQ_UNROUTABLE: 'RABBITMQ_UNROUTABLE',
  /** The exchange a message was published to does not exist. Retryable. */
  RABBITMQ_EXCHANGE_NOT_FOUND: 'RABBITMQ_EXCHANGE_NOT_FOUND',
  /** The broker negatively acknowledged a message (basic.nack: an internal error, a full queue with `reject-publish`). Retryable. */
  RABBITMQ_NACKED: 'RABBITMQ_NACKED',
  /** The connection or channel could not be opened, or closed with the message unconfirmed. Retryable. */
  RABBITMQ_CONNECTION: 'RABBITMQ_CONNECTION',
  /** No confirm arrived within `confirmTimeoutMs`; the connection is discarded. Retryable. */
  RABBITMQ_CONFIRM_TIMEOUT: 'RABBITMQ_CONFIRM_TIMEOUT',
  /** An envelope cannot be encoded as an AMQP message (data JSON cannot represent). Not retryable. */
  RABBITMQ_ENCODE: 'RABBITMQ_ENCODE',
  /** Declaring an exchange, queue or binding failed (e.g. it exists with other arguments, 406 PRECONDITION_FAILED). */
  RABBITMQ_TOPOLOGY: 'RABBITMQ_TOPOLOGY',
  /** An AMQP message is not a valid CloudEvent; `property` names the header or property. */
  MESSAGE_DECODE: 'MESSAGE_DECODE',
} as const;

/** The union of every code in {@link RabbitMqErrorCode}. */
export type RabbitMqErrorCode = (typeof RabbitMqErrorCode)[keyof typeof RabbitMqErrorCode];
