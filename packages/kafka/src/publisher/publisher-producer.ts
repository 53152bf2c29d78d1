import { ErrorCode, IapError, toIapError } from '@iap/core';
import type { TopicRecords } from '../internal/produce-coalescer.js';
import type { ResolvedPublisherOptions } from '../kafka-publisher-options.js';
import type { TransportProducer } from '../transport.js';
import { toKafkaBrokerError } from '../kafka-errors.js';

/** The publisher's one idempotent producer: connected on first use, replaced when its idempotence state is lost. */
export interface PublisherProducer {
  /** The connected producer; one connection attempt at a time. @throws IapError `CLOSED` when the publisher closed meanwhile. */
  readonly connect: () => Promise<TransportProducer>;
  /** Sends one produce request (`acks: -1`) on the connected producer. */
  readonly send: (topicRecords: readonly TopicRecords[]) => Promise<void>;
  /** Disconnects the producer, once a connection under way has settled. */
  readonly disconnect: () => Promise<void>;
}

/** Makes the publisher's producer; `isClosed` tells whether the publisher was closed. */
export function createPublisherProducer(config: ResolvedPublisherOptions, isClosed: () => boolean): PublisherProducer {
  const { telemetry, logger } = config;
  let producer: TransportProducer | undefined;
  let connecting: Promise<TransportProducer> | undefined;

  const connect = (): Promise<TransportProducer> => {
    if (producer !== undefined) return Promise.resolve(producer);
    if (connecting === undefined) {
      const candidate = config.transport.createProducer({ idempotent: true, partitioner: config.partitioner });
      connecting = candidate.connect().then(
        () => {
          connecting = undefined;
          if (isClosed()) {
            void candidate.disconnect().catch(() => undefined);
            throw new IapError(ErrorCode.CLOSED, 'the Kafka publisher is closed');
          }
          producer = candidate;
          return candidate;
        },
        (error: unknown) => {
          connecting = undefined;
          void candidate.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return connecting;
  };

  /**
   * Drops a producer whose idempotence state is gone (sequence or epoch errors, or kafkajs gave up
   * mid-request): the next send creates a new producer with a new producer id, so the broker's
   * sequence checks start afresh instead of failing every later request.
   */
  const retire = (current: TransportProducer, error: IapError): void => {
    if (producer !== current) return;
    producer = undefined;
    telemetry.counter?.('iap.kafka.publisher.producer_recreated', 1);
    logger.warn({ code: error.code, kafkaErrorType: error.details.kafkaErrorType }, 'kafka producer state lost; a new producer is created for the next send');
    void current.disconnect().catch(() => undefined);
  };

  return {
    connect,
    async send(topicRecords) {
      const current = await connect();
      try {
        await current.send({ topicRecords, acks: -1, timeoutMs: config.publishTimeoutMs, compression: config.compression });
      } catch (error) {
        const e = toKafkaBrokerError(error);
        if (e.details.producerStateLost === true) retire(current, e);
        throw error;
      }
    },
    async disconnect() {
      const current = producer ?? (connecting === undefined ? undefined : await connecting.catch(() => undefined));
      producer = undefined;
      if (current !== undefined) await current.disconnect().catch((error: unknown) => logger.warn({ code: toIapError(error).code }, 'kafka producer disconnect failed'));
    },
  };
}
