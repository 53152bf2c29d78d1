import { ErrorCode, IapError, hasErrorCode, type IapErrorOptions } from '@iap/core';
import type { RecordLocation } from './kafka-record.js';

/**
 * True when `error` is an {@link IapError} with code `MESSAGE_DECODE`: a record that is not a valid
 * CloudEvent (bad content type, missing `ce_specversion`, invalid JSON or UTF-8, invalid
 * attributes). `details` names the topic, partition, offset and, where known, the header.
 *
 * @example
 * ```ts
 * const result = tryDecodeKafkaRecord(message);
 * if (!result.ok && isMessageDecodeError(result.error)) log.warn(result.error.details, result.error.message);
 * ```
 */
export function isMessageDecodeError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.MESSAGE_DECODE);
}

/**
 * True when `error` is an {@link IapError} with code `UNKNOWN_SCHEMA_VERSION`: no schema is
 * registered for the record's event type and schema version (`details.type`, `details.schemaVersion`).
 *
 * @example
 * ```ts
 * consumer.events.on('deadLettered', (e) => { if (isUnknownSchemaVersionError(e.error)) alert(e); });
 * ```
 */
export function isUnknownSchemaVersionError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.UNKNOWN_SCHEMA_VERSION);
}

/**
 * True when `error` is an {@link IapError} with code `HANDLER_FAILED`: the handler threw; the
 * handler's own error is the `cause`.
 *
 * @example
 * ```ts
 * consumer.events.on('retrying', (e) => { if (isHandlerFailedError(e.error)) metrics.count('handler.retry'); });
 * ```
 */
export function isHandlerFailedError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.HANDLER_FAILED);
}

/**
 * True when `error` is an {@link IapError} with code `DEAD_LETTER_FAILED`: writing a record to its
 * dead-letter or retry topic failed. The source offset is not committed; the write is retried.
 *
 * @example
 * ```ts
 * consumer.events.on('error', (e) => { if (isDeadLetterFailedError(e.error)) page(e.error.details); });
 * ```
 */
export function isDeadLetterFailedError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.DEAD_LETTER_FAILED);
}

/**
 * True when `error` is an {@link IapError} with code `BROKER`: the Kafka client or broker failed
 * (connection, protocol, broker error). `retryable` tells whether trying again may succeed;
 * `details.kafkaErrorType` carries the broker's error name when there is one.
 *
 * @example
 * ```ts
 * if (isBrokerError(error) && error.retryable) scheduleRetry();
 * ```
 */
export function isBrokerError(error: unknown): error is IapError {
  return hasErrorCode(error, ErrorCode.BROKER);
}

/** `topic[partition]@offset`, for messages. */
export function describeLocation(location: RecordLocation | undefined): string {
  return location === undefined ? 'record' : `record ${location.topic}[${location.partition}]@${location.offset}`;
}

/** A `MESSAGE_DECODE` error for the record at `location`. */
export function messageDecodeError(location: RecordLocation | undefined, problem: string, options: IapErrorOptions = {}): IapError {
  return new IapError(ErrorCode.MESSAGE_DECODE, `${describeLocation(location)} cannot be decoded: ${problem}`, {
    ...options,
    details: { ...location, ...options.details },
  });
}
