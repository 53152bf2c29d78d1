/**
 * A FAKE, in-memory Kafka for unit tests of code written against the transport boundary. It
 * imitates what the runner relies on (per-partition logs, group offsets, resolve/commit, pause,
 * seek, heartbeats) and lets a test drive fetching and time step by step. It is not Kafka: the
 * integration tests in test/integration run the same code against a real broker.
 */
import type { IapError, ManualClock } from '@iap/core';
import { KafkaBrokerError } from '../kafka-errors.js';
import type { OutgoingRecord, RecordHeaders, TransportMessage } from '../kafka-record.js';
import type {
  ConsumerBatch,
  KafkaTransport,
  ProduceRequest,
  TopicSpec,
  TransportAdmin,
  TransportConsumer,
  TransportConsumerEvent,
  TransportConsumerOptions,
  TransportProducer,
  TransportProducerOptions,
  TransportRunOptions,
} from '../transport.js';

/** A record in the fake log. */
export interface StoredRecord extends TransportMessage {
  readonly topic: string;
  readonly partition: number;
  readonly headers: RecordHeaders;
}

const tp = (topic: string, partition: number) => `${topic}|${partition}`;

export class InMemoryKafka implements KafkaTransport {
  readonly logs = new Map<string, StoredRecord[][]>();
  readonly committed = new Map<string, string>();
  readonly consumers: FakeConsumer[] = [];
  readonly sends: ProduceRequest[] = [];
  /** Outcomes of the next sends, in order: an error rejects, `undefined` succeeds; afterwards sends succeed. */
  readonly sendFailures: Array<IapError | undefined> = [];
  /** When true, sends never settle (a broker that does not answer). */
  hangSends = false;
  /** When true, sends wait for {@link releaseSends} before they are applied (a broker that is slow to answer). */
  pauseSends = false;
  readonly #paused: Array<() => void> = [];
  #time = 1_700_000_000_000;

  createTopic(topic: string, partitions = 1): void {
    if (!this.logs.has(topic)) this.logs.set(topic, Array.from({ length: partitions }, () => []));
  }

  /** Appends a record directly (as another producer would). */
  append(topic: string, record: OutgoingRecord, partition = record.partition ?? 0): StoredRecord {
    this.createTopic(topic);
    const log = this.logs.get(topic)![partition]!;
    const stored: StoredRecord = {
      topic,
      partition,
      offset: String(log.length),
      timestamp: String(this.#time++),
      key: record.key,
      value: record.value,
      headers: normalizeHeaders(record.headers),
    };
    log.push(stored);
    return stored;
  }

  /** Every record of a topic, partition by partition. */
  records(topic: string): StoredRecord[] {
    return (this.logs.get(topic) ?? []).flat();
  }

  committedOffset(groupId: string, topic: string, partition = 0): string | undefined {
    return this.committed.get(`${groupId}|${tp(topic, partition)}`);
  }

  readonly producerOptions: TransportProducerOptions[] = [];
  /** Errors the next consumer `connect()` calls reject with, one per call. */
  readonly connectFailures: Error[] = [];

  createProducer(options: TransportProducerOptions): TransportProducer {
    this.producerOptions.push(options);
    const producer: TransportProducer = {
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      send: (request) => {
        this.sends.push(request);
        if (this.hangSends) return new Promise<void>(() => undefined);
        if (this.pauseSends) return new Promise<void>((resolve) => this.#paused.push(resolve)).then(() => apply(request));
        return apply(request);
      },
    };
    const apply = (request: ProduceRequest): Promise<void> => {
      const failure = this.sendFailures.shift();
      if (failure !== undefined) return Promise.reject(failure);
      for (const { topic, records } of request.topicRecords) {
        this.createTopic(topic);
        const partitionCount = this.logs.get(topic)!.length;
        for (const record of records) {
          const partition = record.partition ?? options.partitioner({ topic, partitionCount, key: record.key });
          this.append(topic, record, partition);
        }
      }
      return Promise.resolve();
    };
    return producer;
  }

  /** Lets every paused send go on (each then succeeds, or fails as `sendFailures` says). */
  releaseSends(): void {
    for (const resume of this.#paused.splice(0)) resume();
  }

  createConsumer(options: TransportConsumerOptions): FakeConsumer {
    const consumer = new FakeConsumer(this, options);
    this.consumers.push(consumer);
    return consumer;
  }

  createAdmin(): TransportAdmin {
    return {
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      createTopics: (topics: readonly TopicSpec[]) => {
        const created = topics.filter((t) => !this.logs.has(t.topic));
        for (const t of created) this.createTopic(t.topic, t.partitions > 0 ? t.partitions : 1);
        return Promise.resolve(created.map((t) => t.topic));
      },
      describeTopic: (topic) => {
        const log = this.logs.get(topic);
        if (log === undefined) return Promise.reject(new KafkaBrokerError(`unknown topic ${topic}`, { retryable: true, operation: 'send' }));
        return Promise.resolve(log.map((_, partition) => ({ partition, leader: 1 })));
      },
      topicOffsets: (topic) => Promise.resolve((this.logs.get(topic) ?? []).map((log, partition) => ({ partition, high: String(log.length), low: '0' }))),
      committedOffsets: (groupId, topic) =>
        Promise.resolve((this.logs.get(topic) ?? []).map((_, partition) => ({ partition, offset: this.committedOffset(groupId, topic, partition) ?? '-1' }))),
    };
  }
}

function normalizeHeaders(headers: RecordHeaders): RecordHeaders {
  // what a broker round trip does: every value becomes bytes
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map((v: Buffer | string) => (typeof v === 'string' ? Buffer.from(v) : v)) : typeof value === 'string' ? Buffer.from(value) : (value as Buffer);
  }
  return out;
}

export class FakeConsumer implements TransportConsumer {
  readonly paused = new Set<string>();
  readonly positions = new Map<string, number>();
  readonly seeks = new Map<string, number>();
  /** The next N heartbeats reject as during a rebalance. */
  heartbeatFailures = 0;
  /** Most records per fetched batch. */
  maxBatchSize = Number.POSITIVE_INFINITY;
  heartbeats = 0;
  #topics: readonly string[] = [];
  #fromBeginning = false;
  #run: TransportRunOptions | undefined;
  #running = false;
  #polling: Promise<number> | undefined;
  #listeners = new Set<(event: TransportConsumerEvent) => void>();
  readonly #kafka: InMemoryKafka;
  readonly options: TransportConsumerOptions;

  constructor(kafka: InMemoryKafka, options: TransportConsumerOptions) {
    this.#kafka = kafka;
    this.options = options;
  }

  connect(): Promise<void> {
    const failure = this.#kafka.connectFailures.shift();
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  }

  subscribe(topics: readonly string[], fromBeginning: boolean): Promise<void> {
    this.#topics = topics;
    this.#fromBeginning = fromBeginning;
    for (const topic of topics) this.#kafka.createTopic(topic);
    return Promise.resolve();
  }

  run(options: TransportRunOptions): Promise<void> {
    this.#run = options;
    this.#running = true;
    const assignment: Record<string, number[]> = {};
    for (const topic of this.#topics) assignment[topic] = this.#kafka.logs.get(topic)!.map((_, i) => i);
    this.emit({ kind: 'assigned', assignment });
    return Promise.resolve();
  }

  emit(event: TransportConsumerEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  pause(topic: string, partition: number): void {
    this.paused.add(tp(topic, partition));
  }

  resume(topic: string, partition: number): void {
    this.paused.delete(tp(topic, partition));
  }

  seek(topic: string, partition: number, offset: string): void {
    this.seeks.set(tp(topic, partition), Number(offset));
  }

  onEvent(listener: (event: TransportConsumerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async disconnect(): Promise<void> {
    this.#running = false;
    await this.#polling;
  }

  get running(): boolean {
    return this.#running;
  }

  /** One fetch round over every subscribed, unpaused partition; resolves with the number of batches delivered. */
  poll(): Promise<number> {
    if (this.#polling !== undefined) return this.#polling;
    this.#polling = this.#pollOnce().finally(() => (this.#polling = undefined));
    return this.#polling;
  }

  async #pollOnce(): Promise<number> {
    const run = this.#run;
    if (run === undefined || !this.#running) return 0;
    let delivered = 0;
    for (const topic of this.#topics) {
      const logs = this.#kafka.logs.get(topic) ?? [];
      for (let partition = 0; partition < logs.length; partition++) {
        const id = tp(topic, partition);
        const seek = this.seeks.get(id);
        if (seek !== undefined) {
          this.seeks.delete(id);
          this.positions.set(id, seek);
        }
        if (this.paused.has(id) || !this.#running) continue;
        const log = logs[partition]!;
        const committed = this.#kafka.committedOffset(this.options.groupId, topic, partition);
        const position = this.positions.get(id) ?? (committed !== undefined ? Number(committed) : this.#fromBeginning ? 0 : log.length);
        this.positions.set(id, position);
        const messages = log.slice(position, position + Math.min(this.maxBatchSize, log.length));
        if (messages.length === 0) continue;
        delivered++;
        const batch: ConsumerBatch = {
          topic,
          partition,
          highWatermark: String(log.length),
          timestampType: 'CreateTime',
          messages,
          resolveOffset: (offset) => this.positions.set(id, Number(offset) + 1),
          commit: (nextOffset) => {
            this.#kafka.committed.set(`${this.options.groupId}|${id}`, nextOffset);
            return Promise.resolve();
          },
          heartbeat: () => {
            this.heartbeats++;
            if (this.heartbeatFailures > 0) {
              this.heartbeatFailures--;
              return Promise.reject(new KafkaBrokerError('The group is rebalancing', { retryable: true, operation: 'commit' }));
            }
            return Promise.resolve();
          },
          isRunning: () => this.#running,
          isStale: () => this.seeks.has(id),
        };
        await run.eachBatch(batch);
      }
    }
    return delivered;
  }
}

/**
 * Polls `consumer` and moves `clock` forward in `stepMs` steps (also while a batch waits on the
 * clock) until `done()` holds; gives up after `maxMs` of fake time.
 */
export async function pumpUntil(consumer: FakeConsumer, clock: ManualClock, done: () => boolean, { stepMs = 50, maxMs = 600_000 } = {}): Promise<void> {
  const end = clock.now() + maxMs;
  while (!done()) {
    if (clock.now() > end) throw new Error(`pumpUntil: condition not met within ${maxMs} ms of fake time`);
    let settled = false;
    const polled = consumer.poll().finally(() => (settled = true));
    while (!settled) await clock.advanceAsync(stepMs);
    await polled;
    if (!done()) await clock.advanceAsync(stepMs);
  }
}
