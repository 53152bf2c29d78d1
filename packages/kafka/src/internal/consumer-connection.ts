import { ErrorCode, IapError, computeRetryDelay, createRetryPolicy, type Clock, type Logger, type RandomSource } from '@iap/core';
import type { Partitioner } from '../partitioner.js';
import type { ConsumerBatch, KafkaTransport, TransportConsumer, TransportConsumerEvent, TransportConsumerOptions, TransportProducer } from '../transport.js';
import { KafkaBrokerError, toKafkaBrokerError } from '../kafka-errors.js';

/** Backoff between attempts to (re)join the group while the broker cannot be reached. */
const RECONNECT_POLICY = createRetryPolicy({ maxAttempts: Number.MAX_SAFE_INTEGER, backoff: { kind: 'exponential', initialDelayMs: 500, multiplier: 2 }, maxDelayMs: 30_000, jitter: 'equal' });

/** What the connection needs from the consumer runner. */
export interface ConsumerConnectionOptions {
  readonly transport: KafkaTransport;
  readonly consumerOptions: TransportConsumerOptions;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly partitionsConsumedConcurrently: number;
  readonly partitioner: Partitioner;
  readonly eachBatch: (batch: ConsumerBatch) => Promise<void>;
  /** Called with every assignment the group gives this member. */
  readonly onAssigned: (assignment: Readonly<Record<string, readonly number[]>>) => void;
  readonly emitError: (error: IapError) => void;
  /** Aborted when the consumer closes: ends waiting and reconnecting. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random?: RandomSource;
}

/** The consumer's producer (for dead-letter and retry topics) and group member, kept connected. */
export interface ConsumerConnection {
  /** The current group member; undefined before the first join and while reconnecting. */
  consumer(): TransportConsumer | undefined;
  /** The current producer; undefined before the first join and while reconnecting. */
  producer(): TransportProducer | undefined;
  /**
   * Connects the producer, connects and subscribes the member and starts fetching. A retryable
   * failure (broker down, group coordinator moving) is retried with backoff until it succeeds or
   * the consumer closes; a failure that is not retryable (authorization, an invalid topic)
   * rejects at once.
   */
  start(): Promise<void>;
  /** Disconnects the member and the producer. */
  disconnect(): Promise<void>;
}

/**
 * Keeps a consumer's member and producer connected: joins with backoff while the broker is
 * unreachable, and re-creates both when the client crashes without restarting itself (kafkajs
 * does not restart after an error it calls non-retriable, e.g. a connection refused during a
 * broker restart once its own retries ran out).
 */
export function createConsumerConnection(options: ConsumerConnectionOptions): ConsumerConnection {
  const { clock, logger, signal } = options;
  let consumer: TransportConsumer | undefined;
  let producer: TransportProducer | undefined;
  let removeListener: (() => void) | undefined;
  let rejoining: Promise<void> | undefined;

  const teardown = async (): Promise<void> => {
    removeListener?.();
    removeListener = undefined;
    const [c, p] = [consumer, producer];
    consumer = undefined;
    producer = undefined;
    if (c !== undefined) await c.disconnect().catch((error: unknown) => options.emitError(toKafkaBrokerError(error)));
    if (p !== undefined) await p.disconnect().catch((error: unknown) => options.emitError(toKafkaBrokerError(error)));
  };

  const onEvent = (event: TransportConsumerEvent): void => {
    if (event.kind === 'assigned') {
      options.onAssigned(event.assignment);
      return;
    }
    const error = toKafkaBrokerError(event.error);
    options.emitError(error);
    if (event.restarting || signal.aborted) return;
    if (!error.retryable) {
      logger.error({ code: error.code, ...error.details }, 'the Kafka client crashed for a reason that is not retryable and does not restart; close and recreate the consumer once the cause is fixed');
      return;
    }
    logger.warn({ code: error.code }, 'the Kafka client crashed and does not restart itself: re-creating it');
    rejoin();
  };

  const attempt = async (): Promise<void> => {
    const p = options.transport.createProducer({ idempotent: true, partitioner: options.partitioner });
    producer = p;
    await p.connect();
    const c = options.transport.createConsumer(options.consumerOptions);
    consumer = c;
    removeListener = c.onEvent(onEvent);
    await c.connect();
    await c.subscribe(options.topics, options.fromBeginning);
    await c.run({ eachBatch: options.eachBatch, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently });
  };

  const wait = (delayMs: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = clock.setTimeout(done, delayMs);
      function done(): void {
        clock.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });

  const closedError = (): IapError => new IapError(ErrorCode.CLOSED, 'the consumer was closed before it joined the group');

  const start = async (): Promise<void> => {
    for (let n = 1; ; n++) {
      if (signal.aborted) throw closedError();
      try {
        await attempt();
        if (signal.aborted) throw closedError();
        return;
      } catch (error) {
        await teardown();
        if (signal.aborted) throw closedError();
        const e = toKafkaBrokerError(error);
        if (!e.retryable) throw e;
        const decision = computeRetryDelay(RECONNECT_POLICY, { attempt: n, random: options.random ?? Math.random });
        const delayMs = decision.retry ? decision.delayMs : RECONNECT_POLICY.maxDelayMs;
        options.emitError(new KafkaBrokerError(`joining the consumer group failed (attempt ${n}); trying again in ${Math.round(delayMs)} ms: ${e.message}`, { cause: e, retryable: true, operation: 'join group', details: { attempt: n, retryInMs: Math.round(delayMs) } }));
        await wait(delayMs);
      }
    }
  };

  function rejoin(): void {
    if (rejoining !== undefined) return;
    rejoining = (async () => {
      await teardown();
      await start();
      logger.info({}, 'consumer re-joined the group after a client crash');
    })()
      .catch((error: unknown) => {
        const e = toKafkaBrokerError(error);
        if (e.code !== ErrorCode.CLOSED) options.emitError(e);
      })
      .finally(() => {
        rejoining = undefined;
      });
  }

  return {
    consumer: () => consumer,
    producer: () => producer,
    start,
    async disconnect() {
      await rejoining;
      await teardown();
    },
  };
}
