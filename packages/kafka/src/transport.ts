import type { OutgoingRecord, TimestampType, TransportMessage } from './kafka-record.js';
import type { Partitioner } from './partitioner.js';

/**
 * The boundary between @iap/kafka and a Kafka client library. Everything in this package talks to
 * Kafka only through this interface; `createKafkaJsTransport` (from `@iap/kafka/kafkajs`) implements
 * it on kafkajs. It follows the shape of kafkajs' API, which `@confluentinc/kafka-javascript` also
 * offers (its KafkaJS-compatible API), so a second adapter is a thin mapping.
 *
 * Contract for every method that talks to the broker: failures reject with an `IapError` code
 * `BROKER` whose `retryable` says whether trying again may succeed.
 *
 * @example
 * ```ts
 * const transport: KafkaTransport = createKafkaJsTransport({ kafka });
 * const consumer = createConsumer({ transport, groupId: 'g', topics: ['t'], handler });
 * ```
 */
export interface KafkaTransport {
  /** Creates a producer (not connected yet). */
  createProducer(options: TransportProducerOptions): TransportProducer;
  /** Creates a group consumer (not connected yet). */
  createConsumer(options: TransportConsumerOptions): TransportConsumer;
  /** Creates an admin client (not connected yet). */
  createAdmin(): TransportAdmin;
}

/**
 * Options for {@link KafkaTransport.createProducer}.
 *
 * @example
 * ```ts
 * const producer = transport.createProducer({ idempotent: true, partitioner: createJavaCompatiblePartitioner() });
 * ```
 */
export interface TransportProducerOptions {
  /** Enable the idempotent producer (no duplicates or reordering from the client's own retries). */
  readonly idempotent: boolean;
  /** Chooses the partition of records that do not name one. */
  readonly partitioner: Partitioner;
}

/**
 * Records for several topics, sent as one batch.
 *
 * @example
 * ```ts
 * await producer.send({ topicRecords: [{ topic: 'orders', records: [record] }], acks: -1, timeoutMs: 30_000, compression: 'none' });
 * ```
 */
export interface ProduceRequest {
  readonly topicRecords: ReadonlyArray<{ readonly topic: string; readonly records: readonly OutgoingRecord[] }>;
  /** `-1` waits for all in-sync replicas. */
  readonly acks: -1 | 0 | 1;
  /** Broker-side timeout of the produce request. */
  readonly timeoutMs: number;
  readonly compression: 'none' | 'gzip';
}

/**
 * A connected-on-demand producer.
 *
 * @example
 * ```ts
 * const producer = transport.createProducer({ idempotent: true, partitioner });
 * await producer.connect();
 * await producer.send(request);
 * await producer.disconnect();
 * ```
 */
export interface TransportProducer {
  connect(): Promise<void>;
  /**
   * Sends every record of the request; resolves once the broker acknowledged all of them (as `acks`
   * asks). Rejects with an `IapError` code `BROKER` when any part failed; then some records may
   * still have been written.
   */
  send(request: ProduceRequest): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Options for {@link KafkaTransport.createConsumer}.
 *
 * @example
 * ```ts
 * transport.createConsumer({ groupId: 'billing', sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000, maxWaitTimeMs: 1_000, maxBytesPerPartition: 1_048_576 });
 * ```
 */
export interface TransportConsumerOptions {
  readonly groupId: string;
  /** Session timeout of the group membership. */
  readonly sessionTimeoutMs: number;
  /** How often the client heartbeats to the coordinator. */
  readonly heartbeatIntervalMs: number;
  /** Longest time a fetch waits for data on the broker. */
  readonly maxWaitTimeMs: number;
  /** Most bytes fetched per partition per request. */
  readonly maxBytesPerPartition: number;
}

/**
 * One fetched batch of one partition, with the controls that act on it.
 *
 * @example
 * ```ts
 * eachBatch: async (batch) => { for (const m of batch.messages) handle(m); const last = batch.messages.at(-1)!.offset; batch.resolveOffset(last); await batch.commit(String(Number(last) + 1)); }
 * ```
 */
export interface ConsumerBatch {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the next record to be written to the partition, as a decimal string. */
  readonly highWatermark: string;
  /** The topic's timestamp type (for the `kafka_dlt-original-timestamp-type` header). */
  readonly timestampType: TimestampType;
  readonly messages: readonly TransportMessage[];
  /** Marks the batch processed through `offset` (inclusive): the next fetch starts after it. */
  resolveOffset(offset: string): void;
  /** Commits `nextOffset` (the offset of the next record to read) for this partition. */
  commit(nextOffset: string): Promise<void>;
  /** Heartbeats to the group coordinator if due; rejects when the group is rebalancing. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /** True when this batch is out of date (a seek is pending for its partition). */
  isStale(): boolean;
}

/**
 * Something that happened to a consumer's group membership or client.
 *
 * @example
 * ```ts
 * consumer.onEvent((event) => { if (event.kind === 'crash') log.error({ restarting: event.restarting }, 'kafka client crashed'); });
 * ```
 */
export type TransportConsumerEvent =
  | { readonly kind: 'assigned'; readonly assignment: Readonly<Record<string, readonly number[]>> }
  | { readonly kind: 'crash'; readonly error: unknown; readonly restarting: boolean };

/**
 * Options for {@link TransportConsumer.run}.
 *
 * @example
 * ```ts
 * await consumer.run({ eachBatch, partitionsConsumedConcurrently: 3 });
 * ```
 */
export interface TransportRunOptions {
  /** Called for each fetched batch; must not reject (the client would crash or restart). */
  readonly eachBatch: (batch: ConsumerBatch) => Promise<void>;
  /** How many partitions' batches are processed at the same time. */
  readonly partitionsConsumedConcurrently: number;
}

/**
 * A group consumer with manual offset management.
 *
 * @example
 * ```ts
 * const consumer = transport.createConsumer(options);
 * await consumer.connect();
 * await consumer.subscribe(['orders'], true);
 * await consumer.run({ eachBatch, partitionsConsumedConcurrently: 1 });
 * ```
 */
export interface TransportConsumer {
  connect(): Promise<void>;
  /** Subscribes to topics; `fromBeginning` applies to partitions without a committed offset. */
  subscribe(topics: readonly string[], fromBeginning: boolean): Promise<void>;
  /** Joins the group and starts fetching; resolves once running. Offsets are never committed automatically. */
  run(options: TransportRunOptions): Promise<void>;
  /** Stops fetching a partition until {@link TransportConsumer.resume}. */
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
  /** Makes the next fetch of the partition start at `offset`. */
  seek(topic: string, partition: number, offset: string): void;
  /** Subscribes to membership and client events; returns the unsubscribe function. */
  onEvent(listener: (event: TransportConsumerEvent) => void): () => void;
  /**
   * Stops fetching, waits for the batch being processed to finish (its `isRunning()` turns false),
   * leaves the group and disconnects.
   */
  disconnect(): Promise<void>;
}

/**
 * A topic to create.
 *
 * @example
 * ```ts
 * await admin.createTopics([{ topic: 'orders-dlt', partitions: 6, replicationFactor: 3, configs: { 'retention.ms': '1209600000' } }]);
 * ```
 */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic configs, e.g. `{ 'retention.ms': '604800000' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

/**
 * Partition metadata of a topic.
 *
 * @example
 * ```ts
 * const leaderless = (await admin.describeTopic('orders')).filter((p: PartitionInfo) => p.leader < 0);
 * ```
 */
export interface PartitionInfo {
  readonly partition: number;
  /** Node id of the leader; negative when there is none. */
  readonly leader: number;
}

/**
 * Offsets of a partition.
 *
 * @example
 * ```ts
 * const backlog = (await admin.topicOffsets('orders')).reduce((n, p: PartitionOffsets) => n + Number(p.high) - Number(p.low), 0);
 * ```
 */
export interface PartitionOffsets {
  readonly partition: number;
  /** Offset of the next record to be written. */
  readonly high: string;
  /** Earliest offset still in the log. */
  readonly low: string;
}

/**
 * Admin operations @iap/kafka needs.
 *
 * @example
 * ```ts
 * const admin = transport.createAdmin();
 * await admin.connect();
 * const committed = await admin.committedOffsets('billing', 'orders');
 * await admin.disconnect();
 * ```
 */
export interface TransportAdmin {
  connect(): Promise<void>;
  /** Creates the topics that do not exist; resolves with the names created. */
  createTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  /** Partition metadata of `topic`; rejects (`BROKER`) when it does not exist. */
  describeTopic(topic: string): Promise<PartitionInfo[]>;
  /** High and low watermarks of every partition of `topic`. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Committed offsets of `groupId` on `topic` (`-1` where nothing is committed). */
  committedOffsets(groupId: string, topic: string): Promise<Array<{ readonly partition: number; readonly offset: string }>>;
  disconnect(): Promise<void>;
}
