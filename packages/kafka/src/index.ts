/**
 * @packageDocumentation
 * @iap/kafka: CloudEvents codec for Kafka records (binary and structured mode), a Java-compatible
 * murmur2 partitioner, a `Publisher` for the outbox relay, and a consumer runner with validation,
 * deduplication, in-process retries, retry topics, blocking retries and Spring-compatible
 * dead-letter records. The Kafka client sits behind `KafkaTransport`; the kafkajs adapter is
 * `@iap/kafka/kafkajs`.
 */

// records and headers
export type { OutgoingRecord, RecordHeaderValue, RecordHeaders, RecordLocation, TimestampType, TransportMessage } from './kafka-record.js';
export { headerBytes, headerString } from './header-values.js';

// codec
export { encodeKafkaRecord, decodeKafkaRecord, tryDecodeKafkaRecord, CloudEventsHeaders } from './record-codec.js';
/** Re-exported from `@iap/core`, where it moved (the outbox relay needs it too). */
export { isJsonContentType } from '@iap/core';
export type { CloudEventsMode, DecodableRecord, DecodeKafkaRecordResult, EncodeKafkaRecordOptions } from './record-codec.js';

// partitioning
export { murmur2, partitionForKey } from './murmur2.js';
export { createJavaCompatiblePartitioner } from './partitioner.js';
export type { Partitioner, PartitionerInput } from './partitioner.js';

// client boundary
export type {
  ConsumerBatch,
  KafkaTransport,
  PartitionInfo,
  PartitionOffsets,
  ProduceRequest,
  TopicSpec,
  TransportAdmin,
  TransportConsumer,
  TransportConsumerEvent,
  TransportConsumerOptions,
  TransportProducer,
  TransportProducerOptions,
  TransportRunOptions,
} from './transport.js';

// publisher
export { createKafkaPublisher } from './kafka-publisher.js';
export type { KafkaPublisher } from './kafka-publisher.js';
export type { KafkaPublisherOptions } from './kafka-publisher-options.js';

// consumer runner
export { createConsumer } from './consumer/create-consumer.js';
export type { KafkaConsumer } from './consumer/create-consumer.js';
export { defaultIsRetryable } from './consumer-options.js';
export type { ConsumedEvent, ConsumedRecord, ConsumerOptions, MessageContext, MessageHandler, RetriesExhaustedPolicy, SchemaMap } from './consumer-options.js';
export type { ConsumerEvents } from './consumer-events.js';
export { DeadLetterHeaders, RetryHeaders, readDeadLetterHeaders } from './dead-letter-headers.js';
export type { DeadLetterInfo } from './dead-letter-headers.js';

// topic setup
export { ensureTopics } from './topic-setup.js';
export type { EnsureTopicsOptions, EnsureTopicsResult } from './topic-setup.js';

// errors
export { KafkaErrorCode } from './kafka-error-codes.js';
export {
  DeadLetterFailedError,
  HandlerFailedError,
  KafkaBrokerError,
  MessageDecodeError,
  UnknownSchemaVersionError,
  isBrokerError,
  isDeadLetterFailedError,
  isHandlerFailedError,
  isMessageDecodeError,
  isUnknownSchemaVersionError,
} from './kafka-errors.js';
export type { KafkaBrokerErrorOptions } from './kafka-errors.js';
export type { KafkaFailureKind } from './internal/classify-kafkajs-error.js';
