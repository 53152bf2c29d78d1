import { ErrorCode, IapError, readRetryAfterMs, type IapErrorOptions } from '@iap/core';
import { KafkaErrorCode } from './kafka-error-codes.js';
import type { KafkaFailureKind } from './internal/classify-kafkajs-error.js';
import type { RecordLocation } from './kafka-record.js';

/** `topic[partition]@offset`, for messages. */
export function describeLocation(location: RecordLocation | undefined): string {
  return location === undefined ? 'record' : `record ${location.topic}[${location.partition}]@${location.offset}`;
}

/**
 * A record that is not a valid CloudEvent (code `MESSAGE_DECODE`): bad content type, missing
 * `ce_specversion`, invalid JSON or UTF-8, invalid attributes, or the `decode` option rejected it.
 * `topic`, `partition` and `offset` say where (undefined when the record was decoded without a
 * location), `header` which header when one is at fault. Check with `MessageDecodeError.isInstance`.
 *
 * @example
 * ```ts
 * const result = tryDecodeKafkaRecord(message);
 * if (!result.ok && MessageDecodeError.isInstance(result.error)) log.warn({ offset: result.error.offset, header: result.error.header }, result.error.message);
 * ```
 */
export class MessageDecodeError extends IapError<typeof ErrorCode.MESSAGE_DECODE> {
  static override readonly errorBrand = 'iap.kafka.MessageDecodeError';
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  /** Offset as a decimal string. */
  readonly offset: string | undefined;
  /** The header at fault, when one is. */
  readonly header: string | undefined;

  constructor(location: RecordLocation | undefined, problem: string, options: IapErrorOptions = {}) {
    super(ErrorCode.MESSAGE_DECODE, `${describeLocation(location)} cannot be decoded: ${problem}`, { ...options, details: { ...location, ...options.details } });
    this.name = 'MessageDecodeError';
    this.topic = location?.topic;
    this.partition = location?.partition;
    this.offset = location?.offset;
    const header = options.details?.['header'];
    this.header = typeof header === 'string' ? header : undefined;
  }
}

/**
 * No schema is registered for a record's event type and schema version (code
 * `UNKNOWN_SCHEMA_VERSION`); the record is dead-lettered. Check with `UnknownSchemaVersionError.isInstance`.
 *
 * @example
 * ```ts
 * consumer.events.on('deadLettered', (e) => { if (UnknownSchemaVersionError.isInstance(e.error)) alert(`${e.error.type} v${e.error.schemaVersion}`); });
 * ```
 */
export class UnknownSchemaVersionError extends IapError<typeof ErrorCode.UNKNOWN_SCHEMA_VERSION> {
  static override readonly errorBrand = 'iap.kafka.UnknownSchemaVersionError';
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The record's event type. */
  readonly type: string;
  /** The record's schema version. */
  readonly schemaVersion: string;

  constructor(location: RecordLocation, type: string, schemaVersion: string, message: string) {
    super(ErrorCode.UNKNOWN_SCHEMA_VERSION, message, { details: { ...location, type, schemaVersion } });
    this.name = 'UnknownSchemaVersionError';
    this.topic = location.topic;
    this.partition = location.partition;
    this.offset = location.offset;
    this.type = type;
    this.schemaVersion = schemaVersion;
  }
}

/**
 * The handler threw (code `HANDLER_FAILED`); `cause` is the handler's own error, `retryable` what
 * `isRetryable` said of it, `attempt` the in-process attempt. Seen on the `retrying` and
 * `deadLettered` events. Check with `HandlerFailedError.isInstance`.
 *
 * @example
 * ```ts
 * consumer.events.on('retrying', (e) => { if (HandlerFailedError.isInstance(e.error)) metrics.count('handler.retry', { type: e.error.type }); });
 * ```
 */
export class HandlerFailedError extends IapError<typeof ErrorCode.HANDLER_FAILED> {
  static override readonly errorBrand = 'iap.kafka.HandlerFailedError';
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** In-process attempt that failed, from 1. */
  readonly attempt: number;
  /** The event's type. */
  readonly type: string;

  constructor(location: RecordLocation, attempt: number, type: string, failure: unknown, retryable: boolean, failureMessage: string) {
    super(ErrorCode.HANDLER_FAILED, `the handler failed for ${describeLocation(location)} (attempt ${attempt}): ${failureMessage}`, {
      cause: failure,
      retryable,
      details: { ...location, attempt, type },
    });
    this.name = 'HandlerFailedError';
    this.topic = location.topic;
    this.partition = location.partition;
    this.offset = location.offset;
    this.attempt = attempt;
    this.type = type;
  }
}

/**
 * Writing a record to its dead-letter or retry topic failed (code `DEAD_LETTER_FAILED`, retryable):
 * the source offset is not committed and the write is retried. `target` is the topic written to,
 * `attempt` the write attempt. Seen on the `error` event. Check with `DeadLetterFailedError.isInstance`.
 *
 * @example
 * ```ts
 * consumer.events.on('error', (e) => { if (DeadLetterFailedError.isInstance(e.error)) page({ target: e.error.target, attempt: e.error.attempt }); });
 * ```
 */
export class DeadLetterFailedError extends IapError<typeof ErrorCode.DEAD_LETTER_FAILED> {
  static override readonly errorBrand = 'iap.kafka.DeadLetterFailedError';
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The dead-letter or retry topic written to. */
  readonly target: string;
  /** The write attempt that failed, from 1. */
  readonly attempt: number;

  constructor(location: RecordLocation, target: string, attempt: number, cause: unknown, causeMessage: string) {
    super(ErrorCode.DEAD_LETTER_FAILED, `writing ${describeLocation(location)} to ${target} failed (attempt ${attempt}); its offset stays uncommitted and the write is retried: ${causeMessage}`, {
      cause,
      retryable: true,
      details: { ...location, target, attempt },
    });
    this.name = 'DeadLetterFailedError';
    this.topic = location.topic;
    this.partition = location.partition;
    this.offset = location.offset;
    this.target = target;
    this.attempt = attempt;
  }
}


/** What a {@link KafkaBrokerError} says about the failure, besides its message. */
export interface KafkaBrokerErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  /** A hint of when a retry may succeed, in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** The client operation that failed (`send`, `consumer connect`, `commit`, ...). */
  readonly operation?: string | undefined;
  readonly failure?: KafkaFailureKind | undefined;
  /** The broker's error name, e.g. `NOT_LEADER_FOR_PARTITION`. */
  readonly kafkaErrorType?: string | undefined;
  /** Other value-free details (topic, partition, offset, attempt, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The Kafka client or broker failed (code `BROKER`): connection, protocol or broker error.
 * `retryable` tells whether trying again may succeed; `operation` names the client call,
 * `failure` whose fault it is and `kafkaErrorType` the broker's error name when there is one.
 * Check with `KafkaBrokerError.isInstance`.
 *
 * @example
 * ```ts
 * if (KafkaBrokerError.isInstance(error) && error.retryable) scheduleRetry(error.kafkaErrorType);
 * ```
 */
export class KafkaBrokerError extends IapError<typeof KafkaErrorCode.BROKER> {
  static override readonly errorBrand = 'iap.kafka.KafkaBrokerError';
  readonly operation: string | undefined;
  readonly failure: KafkaFailureKind | undefined;
  readonly kafkaErrorType: string | undefined;

  constructor(message: string, options: KafkaBrokerErrorOptions = {}) {
    const { operation, failure, kafkaErrorType } = options;
    super(KafkaErrorCode.BROKER, message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      retryable: options.retryable ?? false,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      details: {
        ...(operation === undefined ? {} : { operation }),
        ...(failure === undefined ? {} : { failure }),
        ...options.details,
        ...(kafkaErrorType === undefined ? {} : { kafkaErrorType }),
      },
    });
    this.name = 'KafkaBrokerError';
    this.operation = operation;
    this.failure = failure;
    this.kafkaErrorType = kafkaErrorType;
  }
}

/**
 * Anything the Kafka client threw as an {@link IapError}: IapErrors as they are, anything else a
 * {@link KafkaBrokerError} with the thrown value as its cause.
 */
export function toKafkaBrokerError(error: unknown): IapError {
  if (IapError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message || error.name : `a non-Error value of type ${error === null ? 'null' : typeof error} was thrown`;
  return new KafkaBrokerError(message, { cause: error, retryAfterMs: readRetryAfterMs(error) });
}

/**
 * True when `error` is a {@link MessageDecodeError}.
 *
 * @example
 * ```ts
 * const result = tryDecodeKafkaRecord(message);
 * if (!result.ok && isMessageDecodeError(result.error)) log.warn(result.error.details, result.error.message);
 * ```
 */
export function isMessageDecodeError(error: unknown): error is MessageDecodeError {
  return MessageDecodeError.isInstance(error);
}

/**
 * True when `error` is an {@link UnknownSchemaVersionError}.
 *
 * @example
 * ```ts
 * consumer.events.on('deadLettered', (e) => { if (isUnknownSchemaVersionError(e.error)) alert(e); });
 * ```
 */
export function isUnknownSchemaVersionError(error: unknown): error is UnknownSchemaVersionError {
  return UnknownSchemaVersionError.isInstance(error);
}

/**
 * True when `error` is a {@link HandlerFailedError}.
 *
 * @example
 * ```ts
 * consumer.events.on('retrying', (e) => { if (isHandlerFailedError(e.error)) metrics.count('handler.retry'); });
 * ```
 */
export function isHandlerFailedError(error: unknown): error is HandlerFailedError {
  return HandlerFailedError.isInstance(error);
}

/**
 * True when `error` is a {@link DeadLetterFailedError}.
 *
 * @example
 * ```ts
 * consumer.events.on('error', (e) => { if (isDeadLetterFailedError(e.error)) page(e.error.details); });
 * ```
 */
export function isDeadLetterFailedError(error: unknown): error is DeadLetterFailedError {
  return DeadLetterFailedError.isInstance(error);
}

/**
 * True when `error` is a {@link KafkaBrokerError}.
 *
 * @example
 * ```ts
 * if (isBrokerError(error) && error.retryable) scheduleRetry();
 * ```
 */
export function isBrokerError(error: unknown): error is KafkaBrokerError {
  return KafkaBrokerError.isInstance(error);
}

/** A {@link MessageDecodeError} for the record at `location`. */
export function messageDecodeError(location: RecordLocation | undefined, problem: string, options: IapErrorOptions = {}): MessageDecodeError {
  return new MessageDecodeError(location, problem, options);
}
