/**
 * The error codes only @iap/kafka raises. The consume pipeline's codes (`MESSAGE_DECODE`,
 * `UNKNOWN_SCHEMA_VERSION`, `HANDLER_FAILED`, `DEAD_LETTER_FAILED`) are broker-neutral and stay in
 * core's `ErrorCode`, beside the generic ones (`INVALID_OPTIONS`, `VALIDATION`, `TIMEOUT`,
 * `CLOSED`, `STORE_FAILED`, `PUBLISH_FAILED`, ...).
 *
 * @example
 * ```ts
 * import { KafkaErrorCode } from '@iap/kafka';
 *
 * const isBrokerFailure = (error: { code?: string }): boolean => error.code === KafkaErrorCode.BROKER;
 * ```
 */
export const KafkaErrorCode = {
  /** The Kafka client or broker failed (connection, protocol, broker error); see `KafkaBrokerError`. */
  BROKER: 'BROKER',
} as const;

/** The union of every code in {@link KafkaErrorCode}. */
export type KafkaErrorCode = (typeof KafkaErrorCode)[keyof typeof KafkaErrorCode];
