import { decodeInt32, decodeInt64, headerBytes, headerString } from './header-values.js';
import type { RecordHeaders } from './kafka-record.js';

/**
 * Header names Spring Kafka's `DeadLetterPublishingRecoverer` writes (`KafkaHeaders.DLT_*`), with
 * the same encodings, so Spring tooling and @iap/kafka read each other's dead letters:
 * topic, timestamp type, consumer group and exception texts as UTF-8; partition as a 4-byte
 * big-endian int; offset and timestamp as 8-byte big-endian longs.
 *
 * @example
 * ```ts
 * const offset = message.headers?.[DeadLetterHeaders.ORIGINAL_OFFSET]; // 8-byte big-endian long
 * ```
 */
export const DeadLetterHeaders = {
  ORIGINAL_TOPIC: 'kafka_dlt-original-topic',
  ORIGINAL_PARTITION: 'kafka_dlt-original-partition',
  ORIGINAL_OFFSET: 'kafka_dlt-original-offset',
  ORIGINAL_TIMESTAMP: 'kafka_dlt-original-timestamp',
  ORIGINAL_TIMESTAMP_TYPE: 'kafka_dlt-original-timestamp-type',
  ORIGINAL_CONSUMER_GROUP: 'kafka_dlt-original-consumer-group',
  EXCEPTION_FQCN: 'kafka_dlt-exception-fqcn',
  EXCEPTION_CAUSE_FQCN: 'kafka_dlt-exception-cause-fqcn',
  EXCEPTION_MESSAGE: 'kafka_dlt-exception-message',
  EXCEPTION_STACKTRACE: 'kafka_dlt-exception-stacktrace',
} as const;

/**
 * Headers @iap/kafka adds to records in retry topics (`<topic>-retry-<n>`).
 *
 * @example
 * ```ts
 * const dueAt = readDeadLetterHeaders(message.headers)?.retryDueAt; // from RetryHeaders.DUE_AT
 * ```
 */
export const RetryHeaders = {
  /** Delivery number the record is due for (2 in the first retry topic), a 4-byte big-endian int. */
  ATTEMPT: 'iap-retry-attempt',
  /** When the record may be processed, ms since the epoch, an 8-byte big-endian long. */
  DUE_AT: 'iap-retry-due-at',
} as const;

/**
 * What the `kafka_dlt-*` headers of a dead-lettered (or retried) record say.
 *
 * @example
 * ```ts
 * const info: DeadLetterInfo | undefined = readDeadLetterHeaders(record.headers);
 * if (info) replay(info.originalTopic, record);
 * ```
 */
export interface DeadLetterInfo {
  /** Topic the record was first consumed from. */
  readonly originalTopic: string;
  readonly originalPartition: number | undefined;
  /** Offset in the original topic, as a decimal string. */
  readonly originalOffset: string | undefined;
  /** Original record timestamp, ms since the epoch, as a decimal string. */
  readonly originalTimestamp: string | undefined;
  /** `CreateTime` or `LogAppendTime`. */
  readonly originalTimestampType: string | undefined;
  readonly originalConsumerGroup: string | undefined;
  /** Error class (`TypeError`, `IapError:MESSAGE_DECODE`, or a Java class name from Spring). */
  readonly exceptionFqcn: string | undefined;
  readonly exceptionCauseFqcn: string | undefined;
  readonly exceptionMessage: string | undefined;
  readonly exceptionStacktrace: string | undefined;
  /** Delivery number for records in a retry topic. */
  readonly retryAttempt: number | undefined;
  /** When a retry-topic record is due, ms since the epoch. */
  readonly retryDueAt: number | undefined;
}

/**
 * Reads the Spring-compatible `kafka_dlt-*` headers (and @iap's retry headers) of a record, e.g. in a
 * tool that inspects or replays a dead-letter topic. Undefined when the record has no
 * `kafka_dlt-original-topic` header.
 *
 * @example
 * ```ts
 * const info = readDeadLetterHeaders(message.headers);
 * if (info) console.log(`${info.originalTopic}[${info.originalPartition}]@${info.originalOffset}: ${info.exceptionMessage}`);
 * ```
 */
export function readDeadLetterHeaders(headers: RecordHeaders | undefined): DeadLetterInfo | undefined {
  const originalTopic = headerString(headers, DeadLetterHeaders.ORIGINAL_TOPIC);
  if (originalTopic === undefined) return undefined;
  const offset = decodeInt64(headerBytes(headers, DeadLetterHeaders.ORIGINAL_OFFSET));
  const timestamp = decodeInt64(headerBytes(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP));
  const dueAt = decodeInt64(headerBytes(headers, RetryHeaders.DUE_AT));
  return {
    originalTopic,
    originalPartition: decodeInt32(headerBytes(headers, DeadLetterHeaders.ORIGINAL_PARTITION)),
    originalOffset: offset?.toString(),
    originalTimestamp: timestamp?.toString(),
    originalTimestampType: headerString(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP_TYPE),
    originalConsumerGroup: headerString(headers, DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP),
    exceptionFqcn: headerString(headers, DeadLetterHeaders.EXCEPTION_FQCN),
    exceptionCauseFqcn: headerString(headers, DeadLetterHeaders.EXCEPTION_CAUSE_FQCN),
    exceptionMessage: headerString(headers, DeadLetterHeaders.EXCEPTION_MESSAGE),
    exceptionStacktrace: headerString(headers, DeadLetterHeaders.EXCEPTION_STACKTRACE),
    retryAttempt: decodeInt32(headerBytes(headers, RetryHeaders.ATTEMPT)),
    retryDueAt: dueAt === undefined ? undefined : Number(dueAt),
  };
}
