import { ErrorCode, IapError, holdProcessOpen, type TypedEventSource } from '@iap/core';
import type { ConsumerEvents } from '../consumer-events.js';
import { resolveConsumerOptions, type ConsumerOptions, type SchemaMap } from '../consumer-options.js';
import { createConsumerConnection } from '../internal/consumer-connection.js';
import { installShutdownSignals } from '../internal/shutdown-signals.js';
import { createBatchHandler } from './batch-handler.js';
import { createConsumerRuntime } from './consumer-runtime.js';
import { createDispatch } from './dispatch-lanes.js';
import { createForwarder } from './forwarder.js';
import { createPartitionControl } from './partition-control.js';
import { createRecordDelivery } from './record-delivery.js';
import { createRetriesExhausted } from './retries-exhausted.js';
import { buildTopicRoutes } from './topic-routes.js';
import { toKafkaBrokerError } from '../kafka-errors.js';

/**
 * A running consumer (see {@link createConsumer}).
 *
 * @example
 * ```ts
 * const consumer: KafkaConsumer = createConsumer(options);
 * await consumer.start();
 * process.once('SIGUSR2', () => void consumer.close());
 * ```
 */
export interface KafkaConsumer {
  /** Connects, subscribes (main and retry topics) and joins the group; resolves once fetching. */
  start(): Promise<void>;
  /** Stops fetching, lets running handlers finish, commits what is done, leaves the group, disconnects. */
  close(): Promise<void>;
  /** Typed events: processed, duplicate, retrying, deadLettered, forwarded, paused, lag, error, ... */
  readonly events: TypedEventSource<ConsumerEvents>;
  /** Every topic subscribed: the main topics, then their retry topics. */
  readonly topics: readonly string[];
}

/**
 * Creates a consumer runner: for each record, decode (both CloudEvents modes), validate the data
 * against the schema of its type and version, deduplicate through the idempotency store, run the
 * handler, commit. It never lets a record crash the client or loop forever:
 *
 * - decode, validation and unknown-version errors go straight to the dead-letter topic;
 * - retryable handler errors are retried in process with backoff while the consumer keeps
 *   heartbeating; then `onRetriesExhausted` applies (dead-letter, retry topics, or block);
 * - dead-letter and retry records keep key, value and headers byte for byte and add Spring's
 *   `kafka_dlt-*` headers; the source offset is committed only after that write is acknowledged.
 *
 * Order is per partition by default; `keyConcurrency` processes different keys of a partition at
 * once and commits only the contiguous completed offset. `close()` (or SIGTERM/SIGINT) stops
 * fetching, drains, commits and leaves the group.
 *
 * @throws IapError `INVALID_OPTIONS` for invalid options (at construction); `start()` rejects with
 *   `BROKER` when Kafka cannot be reached and with `CLOSED` after `close()`.
 * @example
 * ```ts
 * const consumer = createConsumer({
 *   transport: createKafkaJsTransport({ kafka }),
 *   groupId: 'billing',
 *   topics: ['orders'],
 *   schemas: { 'order.placed': { '1': z.object({ orderId: z.string(), total: z.number() }) } },
 *   handler: async (event) => { await billing.charge(event.data.orderId, event.data.total); },
 * });
 * await consumer.start();
 * ```
 */
export function createConsumer<S extends SchemaMap | undefined = undefined>(options: ConsumerOptions<S>): KafkaConsumer {
  const config = resolveConsumerOptions(options);
  const { clock, logger, groupId } = config;
  const closeController = new AbortController();
  // the connection is made below, with the batch handler that needs the runtime; nothing reads it before start()
  const runtime = createConsumerRuntime(config, closeController.signal, () => connection);
  const { events } = runtime;

  const routes = buildTopicRoutes(config);
  const topics = [...routes.keys()];
  const partitions = createPartitionControl(runtime);
  const forwarder = createForwarder(runtime);
  const retriesExhausted = createRetriesExhausted(runtime, forwarder, partitions);
  const dispatch = createDispatch(runtime, createRecordDelivery(runtime, forwarder, retriesExhausted));

  const connection = createConsumerConnection({
    transport: config.transport,
    consumerOptions: {
      groupId,
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      maxWaitTimeMs: config.maxWaitTimeMs,
      maxBytesPerPartition: config.maxBytesPerPartition,
    },
    topics,
    fromBeginning: config.fromBeginning,
    partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
    partitioner: config.partitioner,
    eachBatch: createBatchHandler(runtime, { routes, partitions, dispatch }),
    onAssigned: partitions.onAssigned,
    emitError: runtime.emitError,
    signal: closeController.signal,
    clock,
    logger,
  });

  let started = false;
  let closePromise: Promise<void> | undefined;
  let removeSignals: (() => void) | undefined;
  let releaseProcess: (() => void) | undefined;

  const close = (): Promise<void> => {
    if (closePromise !== undefined) return closePromise;
    closeController.abort(new IapError(ErrorCode.CLOSED, 'the consumer is closing'));
    closePromise = (async () => {
      partitions.cancelResumes();
      await connection.disconnect();
      removeSignals?.();
      releaseProcess?.();
      logger.info({ groupId }, 'consumer closed');
      events.emit('closed', { groupId });
    })();
    return closePromise;
  };

  const start = async (): Promise<void> => {
    if (runtime.isClosing()) throw new IapError(ErrorCode.CLOSED, 'the consumer is closed; create a new one');
    if (started) throw new IapError(ErrorCode.INVALID_TRANSITION, 'the consumer was already started');
    started = true;
    if (config.keepProcessAlive) releaseProcess = holdProcessOpen();
    try {
      await connection.start();
    } catch (error) {
      await close();
      throw toKafkaBrokerError(error);
    }
    if (config.shutdownSignals.length > 0) removeSignals = installShutdownSignals(config.shutdownSignals, close, logger);
    logger.info({ groupId, topics }, 'consumer started');
    events.emit('started', { groupId, topics });
  };

  return { start, close, events, topics };
}
