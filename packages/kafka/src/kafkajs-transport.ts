import { ErrorCode, IapError, rejectUnknownOptions } from '@iap/core';
import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka, Message, Producer, ProducerConfig } from 'kafkajs';
import type {
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
} from './transport.js';
import { classifyKafkaJsError } from './internal/classify-kafkajs-error.js';
import { KafkaBrokerError } from './kafka-errors.js';

/**
 * Options for {@link createKafkaJsTransport}.
 *
 * @example
 * ```ts
 * createKafkaJsTransport({ kafka, producerConfig: { retry: { retries: 10 } }, consumerConfig: { rackId: 'eu-west-1a' } });
 * ```
 */
export interface KafkaJsTransportOptions {
  /** The kafkajs client (brokers, TLS, SASL, logging are configured on it). */
  readonly kafka: Kafka;
  /**
   * Extra kafkajs producer settings (e.g. `retry`, `maxInFlightRequests`). `idempotent` and
   * `createPartitioner` are set by @iap/kafka.
   * @defaultValue `{}`
   */
  readonly producerConfig?: Omit<ProducerConfig, 'idempotent' | 'createPartitioner' | 'transactionalId'>;
  /**
   * Extra kafkajs consumer settings (e.g. `retry`, `rackId`, `partitionAssigners`). The group id and
   * the timing options of `createConsumer` are set by @iap/kafka.
   * @defaultValue `{}`
   */
  readonly consumerConfig?: Omit<ConsumerConfig, 'groupId' | 'sessionTimeout' | 'heartbeatInterval' | 'maxWaitTimeInMs' | 'maxBytesPerPartition'>;
}

/**
 * Maps anything kafkajs throws to an `IapError` code `BROKER`, classified by whose fault it is
 * (`details.failure`):
 *
 * - `'transport'` (retryable): connection loss and refusal, timeouts, leadership changes,
 *   throttling, the idempotent producer's sequence and epoch errors; also when kafkajs wrapped
 *   them in `KafkaJSNonRetriableError` or `KafkaJSNumberOfRetriesExceeded` after giving up.
 * - `'message'` (not retryable): the records themselves (`MESSAGE_TOO_LARGE`,
 *   `RECORD_LIST_TOO_LARGE`, `INVALID_RECORD`, an invalid topic name), kafkajs's argument checks,
 *   and errors that are not kafkajs errors (bad arguments).
 * - `'configuration'` (not retryable): authorization, SASL and settings the broker refuses; an
 *   operator has to act. The Kafka publisher reports these as retryable for the message, since
 *   the message is not at fault.
 *
 * `details.kafkaErrorType` carries the broker's error name (e.g. `MESSAGE_TOO_LARGE`),
 * `details.producerStateLost` whether a producer must be re-created before sending again.
 *
 * @example
 * ```ts
 * try { await producer.send(record); } catch (error) { const e = toKafkaJsBrokerError(error, 'send to orders'); if (e.retryable) retry(); }
 * ```
 */
export function toKafkaJsBrokerError(error: unknown, operation: string): IapError {
  if (IapError.isInstance(error)) return error;
  const failure = classifyKafkaJsError(error);
  const { type, name } = failure;
  return new KafkaBrokerError(`Kafka ${operation} failed: ${failure.message}${type === undefined ? '' : ` (${type})`}`, {
    cause: error,
    retryable: failure.kind === 'transport',
    operation,
    failure: failure.kind,
    kafkaErrorType: type,
    details: { producerStateLost: failure.producerStateLost, ...(name === undefined ? {} : { errorName: name }) },
  });
}

async function wrap<T>(operation: string, promise: () => Promise<T>): Promise<T> {
  try {
    return await promise();
  } catch (error) {
    throw toKafkaJsBrokerError(error, operation);
  }
}

/**
 * The {@link KafkaTransport} on kafkajs 2.x. Pass your configured `Kafka` instance; every producer,
 * consumer and admin of @iap/kafka is created from it. Consumers run with `autoCommit: false` and
 * `eachBatchAutoResolve: false`: @iap/kafka resolves and commits offsets itself.
 *
 * @example
 * ```ts
 * import { Kafka, logLevel } from 'kafkajs';
 * import { createKafkaJsTransport } from '@iap/kafka/kafkajs';
 *
 * const transport = createKafkaJsTransport({ kafka: new Kafka({ clientId: 'orders', brokers: ['127.0.0.1:9092'], logLevel: logLevel.WARN }) });
 * ```
 */
export function createKafkaJsTransport(options: KafkaJsTransportOptions): KafkaTransport {
  checkTransportOptions(options);
  const { kafka } = options;
  return {
    createProducer: (producerOptions) => kafkaJsProducer(kafka.producer(producerConfig(options, producerOptions))),
    createConsumer: (consumerOptions) => kafkaJsConsumer(kafka.consumer(consumerConfig(options, consumerOptions))),
    createAdmin: () => kafkaJsAdmin(kafka.admin()),
  };
}

const TRANSPORT_OPTION_NAMES: readonly (keyof KafkaJsTransportOptions)[] = ['kafka', 'producerConfig', 'consumerConfig'];

function looksLikeKafka(value: unknown): boolean {
  const candidate = value as Partial<Record<'producer' | 'consumer' | 'admin', unknown>> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.producer === 'function' && typeof candidate.consumer === 'function' && typeof candidate.admin === 'function';
}

/** The common mistakes, each with what to write instead. */
function checkTransportOptions(options: KafkaJsTransportOptions): void {
  const fail = (message: string): never => {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `createKafkaJsTransport: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('options are required: createKafkaJsTransport({ kafka: new Kafka({ clientId, brokers }) })');
  if (looksLikeKafka(options)) fail('pass the Kafka instance as the kafka option: createKafkaJsTransport({ kafka }), not createKafkaJsTransport(kafka)');
  const kafka: unknown = options.kafka;
  if (!looksLikeKafka(kafka)) {
    const isConfig = typeof kafka === 'object' && kafka !== null && ('brokers' in kafka || 'clientId' in kafka);
    fail(
      isConfig
        ? 'kafka must be a kafkajs Kafka instance, not its configuration: write { kafka: new Kafka({ clientId, brokers }) } (import { Kafka } from "kafkajs")'
        : 'kafka must be a kafkajs Kafka instance: { kafka: new Kafka({ clientId, brokers }) } (import { Kafka } from "kafkajs")',
    );
  }
  rejectUnknownOptions(options, TRANSPORT_OPTION_NAMES, 'createKafkaJsTransport');
}

function producerConfig(options: KafkaJsTransportOptions, producerOptions: TransportProducerOptions): ProducerConfig {
  const { partitioner } = producerOptions;
  return {
    ...options.producerConfig,
    idempotent: producerOptions.idempotent,
    createPartitioner:
      () =>
      ({ topic, partitionMetadata, message }) => {
        if (message.partition !== undefined && message.partition !== null) return message.partition;
        const key = message.key === undefined || message.key === null ? null : typeof message.key === 'string' ? Buffer.from(message.key, 'utf8') : message.key;
        return partitioner({ topic, partitionCount: partitionMetadata.length, key });
      },
  };
}

function consumerConfig(options: KafkaJsTransportOptions, consumerOptions: TransportConsumerOptions): ConsumerConfig {
  return {
    ...options.consumerConfig,
    groupId: consumerOptions.groupId,
    sessionTimeout: consumerOptions.sessionTimeoutMs,
    heartbeatInterval: consumerOptions.heartbeatIntervalMs,
    maxWaitTimeInMs: consumerOptions.maxWaitTimeMs,
    maxBytesPerPartition: consumerOptions.maxBytesPerPartition,
  };
}

function kafkaJsProducer(producer: Producer): TransportProducer {
  return {
    connect: () => wrap('producer connect', () => producer.connect()),
    disconnect: () => wrap('producer disconnect', () => producer.disconnect()),
    send: (request: ProduceRequest) =>
      wrap('send', async () => {
        await producer.sendBatch({
          acks: request.acks,
          timeout: request.timeoutMs,
          compression: (request.compression === 'gzip' ? 1 : 0),
          // OutgoingRecord is structurally a kafkajs Message (Buffer keys/values, string or Buffer headers)
          topicMessages: request.topicRecords.map(({ topic, records }) => ({ topic, messages: records as unknown as Message[] })),
        });
      }),
  };
}

const LOG_APPEND_TIME = 1;

function adaptBatch(payload: EachBatchPayload): ConsumerBatch {
  const { batch } = payload;
  const { topic, partition } = batch;
  const first = batch.messages[0] as { batchContext?: { timestampType?: number } } | undefined;
  return {
    topic,
    partition,
    highWatermark: batch.highWatermark,
    timestampType: first?.batchContext?.timestampType === LOG_APPEND_TIME ? 'LogAppendTime' : 'CreateTime',
    messages: batch.messages,
    resolveOffset: (offset) => payload.resolveOffset(offset),
    // the payload's commit goes straight to the coordinator, also while the consumer is stopping
    commit: (nextOffset) => wrap('offset commit', () => payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] })),
    heartbeat: () => wrap('heartbeat', () => payload.heartbeat()),
    isRunning: () => payload.isRunning(),
    isStale: () => payload.isStale(),
  };
}

function kafkaJsConsumer(consumer: Consumer): TransportConsumer {
  return {
    connect: () => wrap('consumer connect', () => consumer.connect()),
    subscribe: (topics, fromBeginning) => wrap('subscribe', () => consumer.subscribe({ topics: [...topics], fromBeginning })),
    run: ({ eachBatch, partitionsConsumedConcurrently }) =>
      wrap('consumer run', () =>
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently,
          eachBatch: (payload) => eachBatch(adaptBatch(payload)),
        }),
      ),
    pause: (topic, partition) => consumer.pause([{ topic, partitions: [partition] }]),
    resume: (topic, partition) => consumer.resume([{ topic, partitions: [partition] }]),
    seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset }),
    onEvent: (listener: (event: TransportConsumerEvent) => void) => {
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, (event) => listener({ kind: 'assigned', assignment: event.payload.memberAssignment }));
      const offCrash = consumer.on(consumer.events.CRASH, (event) => listener({ kind: 'crash', error: toKafkaJsBrokerError(event.payload.error, 'consumer run'), restarting: event.payload.restart }));
      return () => {
        offJoin();
        offCrash();
      };
    },
    disconnect: () => wrap('consumer disconnect', () => consumer.disconnect()),
  };
}

function kafkaJsAdmin(admin: Admin): TransportAdmin {
  return {
    connect: () => wrap('admin connect', () => admin.connect()),
    disconnect: () => wrap('admin disconnect', () => admin.disconnect()),
    createTopics: (topics: readonly TopicSpec[]) =>
      wrap('create topics', async () => {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length === 0) return [];
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.topic,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
        return missing.map((t) => t.topic);
      }),
    describeTopic: (topic) =>
      wrap(`describe topic ${topic}`, async (): Promise<PartitionInfo[]> => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return (topics[0]?.partitions ?? []).map((p) => ({ partition: p.partitionId, leader: p.leader }));
      }),
    topicOffsets: (topic) =>
      wrap(`fetch offsets of ${topic}`, async (): Promise<PartitionOffsets[]> => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.map((o) => ({ partition: o.partition, high: o.high, low: o.low }));
      }),
    committedOffsets: (groupId, topic) =>
      wrap(`fetch committed offsets of ${groupId}`, async () => {
        const result = await admin.fetchOffsets({ groupId, topics: [topic] });
        return (result[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
      }),
  };
}
