import {
  ErrorCode,
  IapError,
  createRetryPolicy,
  isRetryableError,
  isStandardSchema,
  noopLogger,
  noopTelemetry,
  rejectUnknownOptions,
  RETRY_POLICY_OPTION_NAMES,
  systemClock,
  type Clock,
  type Envelope,
  type IdempotencyStore,
  type Logger,
  type RandomSource,
  type RetryPolicy,
  type RetryPolicyOptions,
  type StandardSchemaV1,
  type Telemetry,
} from '@iap/core';
import { createBoundedMemoryIdempotencyStore } from './internal/bounded-memory-store.js';
import { isDelayList, isNameList } from './internal/option-guards.js';
import type { RecordHeaders } from './kafka-record.js';
import { createJavaCompatiblePartitioner, type Partitioner } from './partitioner.js';
import type { KafkaTransport } from './transport.js';

/**
 * Schemas of event data by event type, then by schema version: `{ 'order.placed': { '1': OrderPlacedV1 } }`.
 *
 * @example
 * ```ts
 * const schemas = { 'order.placed': { '1': OrderPlacedV1, '2': OrderPlacedV2 } } satisfies SchemaMap;
 * ```
 */
export type SchemaMap = { readonly [type: string]: { readonly [schemaVersion: string]: StandardSchemaV1 } };

/**
 * The event a handler receives: without schemas an `Envelope<unknown>`; with schemas a union over
 * every registered type and version, with `data` typed by its schema, so `switch (event.type)`
 * narrows it.
 *
 * @example
 * ```ts
 * const handler = (event: ConsumedEvent<typeof schemas>) => { if (event.type === 'order.placed') console.log(event.data.orderId); };
 * ```
 */
export type ConsumedEvent<S extends SchemaMap | undefined> = S extends SchemaMap
  ? {
      [T in keyof S & string]: {
        [V in keyof S[T] & string]: Envelope<StandardSchemaV1.InferOutput<S[T][V]>> & { readonly type: T; readonly schemaVersion: V };
      }[keyof S[T] & string];
    }[keyof S & string]
  : Envelope<unknown>;

/**
 * What a handler is told besides the event.
 *
 * @example
 * ```ts
 * handler: async (event, context) => { await work(event, { signal: context.signal }); log.debug({ offset: context.offset, attempt: context.attempt }); }
 * ```
 */
export interface MessageContext {
  /** Topic the record was read from (a retry topic for retried records). */
  readonly topic: string;
  /** The main topic the record belongs to. */
  readonly sourceTopic: string;
  readonly partition: number;
  /** Offset as a decimal string. */
  readonly offset: string;
  /** Record timestamp, ms since the epoch, as a decimal string. */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly headers: RecordHeaders;
  /** In-process attempt for this delivery, 1 on the first call. */
  readonly attempt: number;
  /** Delivery number across retry topics: 1 from the main topic, n + 1 from retry topic n. */
  readonly deliveryAttempt: number;
  /** Aborted when the consumer closes: a long handler may stop early (the record is then redelivered). */
  readonly signal: AbortSignal;
}

/**
 * A consumed record as the `decode` option sees it: the raw key, value and headers with where the
 * record was read.
 *
 * @example
 * ```ts
 * const decode = (record: ConsumedRecord) =>
 *   createEnvelope({ id: `${record.topic}/${record.partition}/${record.offset}`, type: 'legacy.order', source: '/legacy', data: JSON.parse(record.value!.toString('utf8')) });
 * ```
 */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string. */
  readonly offset: string;
  /** Record timestamp, ms since the epoch, as a decimal string. */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
}

/**
 * The business handler of a consumer. Throwing marks the record failed (see `isRetryable`).
 *
 * @example
 * ```ts
 * const handler: MessageHandler<undefined> = async (event) => { await erp.post(event.data); };
 * ```
 */
export type MessageHandler<S extends SchemaMap | undefined> = (event: ConsumedEvent<S>, context: MessageContext) => Promise<void> | void;

/**
 * What happens to a record whose handler still fails after the in-process retries:
 * - `dead-letter`: written to the dead-letter topic, then committed;
 * - `retry-topics`: written to `<topic>-retry-1` (due after `delaysMs[0]`), from there to
 *   `<topic>-retry-2` and so on, then to the dead-letter topic. The partition keeps flowing; records
 *   of the same key can be processed out of order;
 * - `block`: the partition is paused and the record retried (pause and seek) with `backoff` until it
 *   succeeds. Keeps order; stalls the partition while it fails.
 *
 * @example
 * ```ts
 * const policy: RetriesExhaustedPolicy = { mode: 'retry-topics', delaysMs: [10_000, 60_000, 600_000] };
 * ```
 */
export type RetriesExhaustedPolicy =
  | { readonly mode: 'dead-letter' }
  | { readonly mode: 'retry-topics'; readonly delaysMs: readonly number[] }
  | { readonly mode: 'block'; readonly backoff?: RetryPolicyOptions };

/**
 * Options for `createConsumer`.
 *
 * @example
 * ```ts
 * const options: ConsumerOptions = { transport, groupId: 'billing', topics: ['orders'], handler: (event) => bill(event) };
 * ```
 */
export interface ConsumerOptions<S extends SchemaMap | undefined = undefined> {
  /** The Kafka client boundary, e.g. `createKafkaJsTransport({ kafka })`. */
  readonly transport: KafkaTransport;
  /** Consumer group id. */
  readonly groupId: string;
  /** Main topics to consume (their retry topics are added when `onRetriesExhausted` uses them). */
  readonly topics: readonly string[];
  /** Called once per record (at least once; deduplicated through `idempotencyStore`). */
  readonly handler: MessageHandler<S>;
  /**
   * Data schemas by event type and schema version (any Standard Schema: zod, valibot, arktype).
   * When given, every record needs a schema: unknown types or versions go to the dead-letter topic
   * with `UNKNOWN_SCHEMA_VERSION`. @defaultValue none (data is not validated)
   */
  readonly schemas?: S;
  /**
   * Turns records that are not CloudEvents into envelopes: a topic of plain JSON, Debezium change
   * events (for example through `@iap/cdc`), another team's format. Return an envelope (e.g. from
   * `createEnvelope`, with an `id` that is stable across redeliveries, such as a business key or
   * the source's position, since it is the default idempotency key); throw to reject the record: it
   * goes to the dead-letter topic with code `MESSAGE_DECODE`, the thrown error as its cause. The
   * returned envelope is validated like a decoded one, and `schemas` apply to it.
   * @defaultValue none: records are decoded as CloudEvents, binary or structured mode
   */
  readonly decode?: (record: ConsumedRecord) => Envelope;
  /**
   * Deduplicates records before the handler (claim, handle, complete). Use a shared, durable store
   * (the messaging inbox, a database) when several processes consume the group; `false` disables.
   * @defaultValue an in-memory store per consumer remembering the last 100,000 keys
   */
  readonly idempotencyStore?: IdempotencyStore | false;
  /** The idempotency key of an event. @defaultValue `` `${event.source}#${event.id}` `` */
  readonly idempotencyKey?: (event: Envelope) => string;
  /** How long a claim is held while the handler runs. @defaultValue `60_000` */
  readonly idempotencyLeaseMs?: number;
  /** How long a handled key is remembered. @defaultValue `86_400_000` (24 h) */
  readonly idempotencyTtlMs?: number;
  /**
   * In-process retries of a failing handler, while the consumer keeps heartbeating.
   * @defaultValue `{ maxAttempts: 3, backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, maxDelayMs: 5_000, jitter: 'full' }`
   */
  readonly retry?: RetryPolicyOptions;
  /**
   * Whether a handler error is worth retrying. Errors that are not go straight to the dead-letter topic.
   * @defaultValue IapErrors by their `retryable`; `TypeError`, `RangeError`, `SyntaxError` and
   * `ReferenceError` (bugs or bad data) not; any other error yes
   */
  readonly isRetryable?: (error: unknown) => boolean;
  /** What happens after the in-process retries. @defaultValue `{ mode: 'dead-letter' }` */
  readonly onRetriesExhausted?: RetriesExhaustedPolicy;
  /** Dead-letter topic of a main topic. @defaultValue `` `${topic}-dlt` `` */
  readonly deadLetterTopic?: (topic: string) => string;
  /** Retry topic `level` (1-based) of a main topic. @defaultValue `` `${topic}-retry-${level}` `` */
  readonly retryTopic?: (topic: string, level: number) => string;
  /**
   * Records of one partition processed at the same time, never two of the same key at once (records
   * without a key are independent). Only the contiguous completed offset is committed.
   * @defaultValue `1` (strict partition order)
   */
  readonly keyConcurrency?: number;
  /** Partitions processed at the same time. @defaultValue `1` */
  readonly partitionsConsumedConcurrently?: number;
  /** Where a group without committed offsets starts. @defaultValue `false` (latest) */
  readonly fromBeginning?: boolean;
  /**
   * Signals that close the consumer gracefully (stop fetching, drain, commit, leave the group). When
   * the consumer was the signal's only listener, the signal is raised again after closing, so the
   * process ends as it would have. By default none: the process's signals belong to the
   * application, which closes everything it runs in its own order, e.g.
   * `process.once('SIGTERM', () => void consumer.close().then(() => relay.stop()))`.
   * @defaultValue `[]`
   */
  readonly shutdownSignals?: readonly NodeJS.Signals[];
  /**
   * Keep the Node process alive from `start()` until `close()`. The consumer's timers are unref'd,
   * so without this a process that only runs a consumer could exit (code 0) while the broker is
   * unreachable and the consumer waits to join again. Set `false` when something else owns the
   * process's lifetime.
   * @defaultValue `true`
   */
  readonly keepProcessAlive?: boolean;
  /** @defaultValue `30_000` */
  readonly sessionTimeoutMs?: number;
  /** Heartbeat interval, also the slice in which retry waits heartbeat. @defaultValue `3_000` */
  readonly heartbeatIntervalMs?: number;
  /** Longest broker-side wait of a fetch (bounds pause, resume and shutdown latency). @defaultValue `1_000` */
  readonly maxWaitTimeMs?: number;
  /** @defaultValue `1_048_576` */
  readonly maxBytesPerPartition?: number;
  /** Longest wait for a dead-letter or retry-topic write to be acknowledged before it is retried. @defaultValue `30_000` */
  readonly deadLetterTimeoutMs?: number;
  /** Partitioner of dead-letter and retry-topic records. @defaultValue Java-compatible murmur2 of the original key */
  readonly partitioner?: Partitioner;
  /** @defaultValue `systemClock` */
  readonly clock?: Clock;
  /** Randomness of retry jitter. @defaultValue `Math.random` */
  readonly random?: RandomSource;
  /** @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /**
   * Metrics: counters `iap.kafka.consumer.processed`, `.duplicates`, `.retried`, `.dead_lettered`,
   * `.forwarded`; histogram `iap.kafka.consumer.handler.duration_ms`; gauge `iap.kafka.consumer.lag`.
   * @defaultValue `noopTelemetry`
   */
  readonly telemetry?: Telemetry;
}

/** Options with every default resolved (one place). */
export interface ResolvedConsumerOptions {
  readonly transport: KafkaTransport;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: (event: Envelope, context: MessageContext) => Promise<void> | void;
  readonly schemas: SchemaMap | undefined;
  readonly decode: ((record: ConsumedRecord) => Envelope) | undefined;
  readonly idempotencyStore: IdempotencyStore | undefined;
  readonly idempotencyKey: (event: Envelope) => string;
  readonly idempotencyLeaseMs: number;
  readonly idempotencyTtlMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly isRetryable: (error: unknown) => boolean;
  readonly onRetriesExhausted: { readonly mode: 'dead-letter' } | { readonly mode: 'retry-topics'; readonly delaysMs: readonly number[] } | { readonly mode: 'block'; readonly backoff: RetryPolicy };
  readonly deadLetterTopic: (topic: string) => string;
  readonly retryTopic: (topic: string, level: number) => string;
  readonly keyConcurrency: number;
  readonly partitionsConsumedConcurrently: number;
  readonly fromBeginning: boolean;
  readonly keepProcessAlive: boolean;
  readonly shutdownSignals: readonly NodeJS.Signals[];
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxWaitTimeMs: number;
  readonly maxBytesPerPartition: number;
  readonly deadLetterTimeoutMs: number;
  readonly partitioner: Partitioner;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
}

/**
 * The default `isRetryable`: core's `isRetryableError` (an IapError decides itself; programming
 * errors and aborts are not retried; anything else is).
 *
 * @example
 * ```ts
 * createConsumer({ ...options, isRetryable: (error) => !(error instanceof PaymentDeclined) && defaultIsRetryable(error) });
 * ```
 */
export const defaultIsRetryable: (error: unknown) => boolean = isRetryableError;

const CONSUMER_OPTION_KEYS: Record<keyof ConsumerOptions, true> = {
  transport: true,
  groupId: true,
  topics: true,
  handler: true,
  schemas: true,
  decode: true,
  idempotencyStore: true,
  idempotencyKey: true,
  idempotencyLeaseMs: true,
  idempotencyTtlMs: true,
  retry: true,
  isRetryable: true,
  onRetriesExhausted: true,
  deadLetterTopic: true,
  retryTopic: true,
  keyConcurrency: true,
  partitionsConsumedConcurrently: true,
  fromBeginning: true,
  shutdownSignals: true,
  keepProcessAlive: true,
  sessionTimeoutMs: true,
  heartbeatIntervalMs: true,
  maxWaitTimeMs: true,
  maxBytesPerPartition: true,
  deadLetterTimeoutMs: true,
  partitioner: true,
  clock: true,
  random: true,
  logger: true,
  telemetry: true,
};
const CONSUMER_OPTION_NAMES = Object.keys(CONSUMER_OPTION_KEYS);

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `createConsumer: ${message}`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw invalid(`${name} must be a positive integer`);
  return value;
}

function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalid(`${name} must be a function`);
  return value;
}

/** Validates consumer options and resolves every default. @throws IapError `INVALID_OPTIONS`. */
export function resolveConsumerOptions<S extends SchemaMap | undefined>(options: ConsumerOptions<S>): ResolvedConsumerOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options are required');
  rejectUnknownOptions(options, CONSUMER_OPTION_NAMES, 'createConsumer');
  if (options.retry !== undefined) {
    if (typeof options.retry !== 'object' || options.retry === null) throw invalid('retry must be an object of retry policy options');
    rejectUnknownOptions(options.retry, RETRY_POLICY_OPTION_NAMES, 'createConsumer: retry');
  }
  if (typeof options.transport?.createConsumer !== 'function') throw invalid('transport is required (e.g. createKafkaJsTransport({ kafka }) from @iap/kafka/kafkajs)');
  if (typeof options.groupId !== 'string' || options.groupId === '') throw invalid('groupId must be a non-empty string');
  const topics: unknown = options.topics;
  if (!isNameList(topics)) throw invalid('topics must be a non-empty array of topic names');
  if (typeof options.handler !== 'function') throw invalid('handler must be a function');
  const schemas = options.schemas;
  if (schemas !== undefined) {
    if (typeof schemas !== 'object' || schemas === null) throw invalid('schemas must be an object of { [type]: { [schemaVersion]: schema } }');
    for (const [type, versions] of Object.entries(schemas)) {
      if (typeof versions !== 'object' || versions === null) throw invalid(`schemas["${type}"] must be an object of { [schemaVersion]: schema }`);
      for (const [version, schema] of Object.entries(versions)) {
        if (!isStandardSchema(schema)) throw invalid(`schemas["${type}"]["${version}"] is not a Standard Schema (zod, valibot, arktype, ...)`);
      }
    }
  }
  const store = options.idempotencyStore;
  if (store !== undefined && store !== false && (typeof store !== 'object' || store === null || typeof store.claim !== 'function')) {
    throw invalid('idempotencyStore must be an IdempotencyStore or false');
  }
  const clock = options.clock ?? systemClock;
  const exhausted = options.onRetriesExhausted ?? { mode: 'dead-letter' };
  let onRetriesExhausted: ResolvedConsumerOptions['onRetriesExhausted'];
  switch (exhausted.mode) {
    case 'dead-letter':
      onRetriesExhausted = exhausted;
      break;
    case 'retry-topics': {
      const delays: unknown = exhausted.delaysMs;
      if (!isDelayList(delays)) throw invalid('onRetriesExhausted.delaysMs must be a non-empty array of delays >= 0 (one per retry topic)');
      onRetriesExhausted = { mode: 'retry-topics', delaysMs: [...delays] };
      break;
    }
    case 'block':
      onRetriesExhausted = {
        mode: 'block',
        backoff: createRetryPolicy({ backoff: { kind: 'exponential', initialDelayMs: 1_000, multiplier: 2 }, maxDelayMs: 60_000, jitter: 'none', ...exhausted.backoff }),
      };
      break;
    default:
      throw invalid('onRetriesExhausted.mode must be "dead-letter", "retry-topics" or "block"');
  }
  const shutdownSignals = options.shutdownSignals ?? [];
  if (!Array.isArray(shutdownSignals) || shutdownSignals.some((s) => typeof s !== 'string')) throw invalid('shutdownSignals must be an array of signal names');
  const sessionTimeoutMs = positiveInteger('sessionTimeoutMs', options.sessionTimeoutMs ?? 30_000);
  const heartbeatIntervalMs = positiveInteger('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 3_000);
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw invalid(`heartbeatIntervalMs (${heartbeatIntervalMs}) must be below sessionTimeoutMs (${sessionTimeoutMs}); Kafka recommends at most a third of it`);
  }
  const fromBeginning = options.fromBeginning ?? false;
  if (typeof fromBeginning !== 'boolean') throw invalid('fromBeginning must be a boolean');
  const keepProcessAlive = options.keepProcessAlive ?? true;
  if (typeof keepProcessAlive !== 'boolean') throw invalid('keepProcessAlive must be a boolean');
  return {
    transport: options.transport,
    groupId: options.groupId,
    topics: [...new Set(topics)],
    handler: options.handler as ResolvedConsumerOptions['handler'],
    schemas,
    idempotencyStore: store === false ? undefined : (store ?? createBoundedMemoryIdempotencyStore({ maxEntries: 100_000, clock })),
    decode: optionalFunction('decode', options.decode),
    idempotencyKey: optionalFunction('idempotencyKey', options.idempotencyKey) ?? ((event) => `${event.source}#${event.id}`),
    idempotencyLeaseMs: positiveInteger('idempotencyLeaseMs', options.idempotencyLeaseMs ?? 60_000),
    idempotencyTtlMs: positiveInteger('idempotencyTtlMs', options.idempotencyTtlMs ?? 86_400_000),
    retryPolicy: createRetryPolicy({ maxAttempts: 3, backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, maxDelayMs: 5_000, jitter: 'full', ...options.retry }),
    isRetryable: optionalFunction('isRetryable', options.isRetryable) ?? defaultIsRetryable,
    onRetriesExhausted,
    deadLetterTopic: optionalFunction('deadLetterTopic', options.deadLetterTopic) ?? ((topic) => `${topic}-dlt`),
    retryTopic: optionalFunction('retryTopic', options.retryTopic) ?? ((topic, level) => `${topic}-retry-${level}`),
    keyConcurrency: positiveInteger('keyConcurrency', options.keyConcurrency ?? 1),
    partitionsConsumedConcurrently: positiveInteger('partitionsConsumedConcurrently', options.partitionsConsumedConcurrently ?? 1),
    fromBeginning,
    keepProcessAlive,
    shutdownSignals,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxWaitTimeMs: positiveInteger('maxWaitTimeMs', options.maxWaitTimeMs ?? 1_000),
    maxBytesPerPartition: positiveInteger('maxBytesPerPartition', options.maxBytesPerPartition ?? 1_048_576),
    deadLetterTimeoutMs: positiveInteger('deadLetterTimeoutMs', options.deadLetterTimeoutMs ?? 30_000),
    partitioner: optionalFunction('partitioner', options.partitioner) ?? createJavaCompatiblePartitioner(),
    clock,
    random: optionalFunction('random', options.random) ?? Math.random,
    logger: options.logger ?? noopLogger,
    telemetry: options.telemetry ?? noopTelemetry,
  };
}
