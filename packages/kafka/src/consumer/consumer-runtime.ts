import { TypedEmitter, toIapError, type IapError } from '@iap/core';
import type { ConsumerEvents } from '../consumer-events.js';
import type { ResolvedConsumerOptions } from '../consumer-options.js';
import type { ConsumerConnection } from '../internal/consumer-connection.js';
import type { ConsumerBatch, TransportConsumer, TransportProducer } from '../transport.js';
import { KafkaBrokerError } from '../kafka-errors.js';

/**
 * What every part of one consumer shares: its resolved options, its events, the close signal and
 * the current group member and producer. Made once per consumer; the parts receive it instead of a
 * closure over the consumer's variables.
 */
export interface ConsumerRuntime {
  readonly config: ResolvedConsumerOptions;
  readonly events: TypedEmitter<ConsumerEvents>;
  /** Aborted when the consumer closes: ends waits and tells handlers (`context.signal`). */
  readonly closeSignal: AbortSignal;
  /** True once `close()` was called. */
  readonly isClosing: () => boolean;
  /** Logs an error that consumption survives and emits it as the `error` event. */
  readonly emitError: (error: IapError) => void;
  /** The current group member; undefined before the first join and while re-joining. */
  readonly member: () => TransportConsumer | undefined;
  /** The current producer (dead-letter and retry topics). @throws IapError `BROKER` (retryable) while re-joining. */
  readonly producer: () => TransportProducer;
  /** Per-batch check: closing, the batch no longer running, or stale after a seek. */
  readonly shouldStop: (batch: ConsumerBatch) => boolean;
  /**
   * Per-record check. Staleness (a pending seek) is checked when a batch starts and during waits,
   * not per record: only this runner seeks, and it stops the batch when it does (kafkajs' isStale()
   * builds a JSON key per call, a measurable cost at tens of thousands of records per second).
   */
  readonly stopRequested: (batch: ConsumerBatch) => boolean;
}

/** Makes the runtime of one consumer; `connection` is read lazily (it is created after the parts that use it). */
export function createConsumerRuntime(config: ResolvedConsumerOptions, closeSignal: AbortSignal, connection: () => ConsumerConnection): ConsumerRuntime {
  const { logger } = config;
  const events = new TypedEmitter<ConsumerEvents>({ onListenerError: (error, event) => logger.error({ event, code: toIapError(error).code }, 'a consumer event listener threw') });
  const isClosing = (): boolean => closeSignal.aborted;
  return {
    config,
    events,
    closeSignal,
    isClosing,
    emitError(error) {
      logger.warn({ code: error.code, ...error.details }, error.message);
      events.emit('error', { error });
    },
    member: () => connection().consumer(),
    producer() {
      const producer = connection().producer();
      if (producer === undefined) throw new KafkaBrokerError('the consumer is re-joining its group: its producer is not connected', { retryable: true, operation: 'produce' });
      return producer;
    },
    shouldStop: (batch) => closeSignal.aborted || !batch.isRunning() || batch.isStale(),
    stopRequested: (batch) => closeSignal.aborted || !batch.isRunning(),
  };
}
