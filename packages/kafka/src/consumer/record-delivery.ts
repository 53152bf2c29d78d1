import { createConsumePipeline, toIapError, type BrokerAdapter, type ConsumeHooks } from '@iap/core';
import type { MessageContext } from '../consumer-options.js';
import { RetryHeaders } from '../dead-letter-headers.js';
import { decodeInt32, decodeInt64, headerBytes } from '../header-values.js';
import { decodeWithOption } from '../internal/custom-decode.js';
import { HandlerFailedError, UnknownSchemaVersionError, describeLocation } from '../kafka-errors.js';
import type { RecordHeaders, TransportMessage } from '../kafka-record.js';
import { decodeRecordOrError } from '../record-codec.js';
import { createClaimStore } from './claim-store.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import type { BatchScope, Delivery, Outcome, SourceRecord } from './delivery-context.js';
import type { Forwarder } from './forwarder.js';
import { waitHeartbeating } from './heartbeating-wait.js';
import type { MaybePromise } from './maybe-async.js';
import type { RetriesExhausted } from './retries-exhausted.js';

/** Delivers one record of a batch; never throws or rejects. */
export type DeliverRecord = (scope: BatchScope, message: TransportMessage) => MaybePromise<Outcome>;

const NO_HEADERS: RecordHeaders = Object.freeze({});

/**
 * What Kafka plugs into core's consume pipeline: a record of retry topic n is due at its
 * `iap-retry-due-at` header and is delivery `iap-retry-attempt` (n + 1 without it); records are
 * decoded as CloudEvents (both modes) or by the `decode` option; the handler gets a
 * {@link MessageContext}; waits heartbeat; bad input and non-retryable failures go to the
 * dead-letter topic and spent retries to `onRetriesExhausted` (retry topic, block, dead-letter).
 */
function createKafkaAdapter(runtime: ConsumerRuntime, forwarder: Forwarder, retriesExhausted: RetriesExhausted): BrokerAdapter<SourceRecord, Delivery> {
  const { config } = runtime;
  const { clock } = config;
  return {
    notDueInMs({ scope, message }) {
      if (scope.route.level === 0) return 0;
      const dueAt = decodeInt64(headerBytes(message.headers, RetryHeaders.DUE_AT));
      return dueAt === undefined ? 0 : Number(dueAt) - clock.now();
    },
    deliveryAttempt: ({ scope, message }) => (scope.route.level === 0 ? 1 : (decodeInt32(headerBytes(message.headers, RetryHeaders.ATTEMPT)) ?? scope.route.level + 1)),
    decode: ({ message, location }) => (config.decode === undefined ? decodeRecordOrError(message, location) : decodeWithOption(config.decode, message, location)),
    toDelivery: ({ scope, message, location }, event, key, deliveryAttempt) => ({ scope, message, location, event, key, deliveryAttempt }),
    invoke(delivery, attempt) {
      const { scope, message } = delivery;
      const { batch } = scope;
      const context: MessageContext = {
        topic: batch.topic,
        sourceTopic: scope.route.mainTopic,
        partition: batch.partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key,
        headers: message.headers ?? NO_HEADERS,
        attempt,
        deliveryAttempt: delivery.deliveryAttempt,
        signal: runtime.closeSignal,
      };
      return config.handler(delivery.event, context);
    },
    wait: (delivery, ms) => waitHeartbeating(runtime, delivery.scope.batch, ms),
    deadLetter: (source, error, recorded) => forwarder.deadLetter(source, error, recorded),
    retriesExhausted,
    handlerFailedError: (delivery, attempt, failure, retryable) => new HandlerFailedError(delivery.location, attempt, delivery.event.type, failure, retryable, toIapError(failure).message),
    describe: (source) => describeLocation(source.location),
    details: (source) => ({ ...source.location }),
    isStopping: runtime.isClosing,
    onError: runtime.emitError,
  };
}

/** The consumer's events and `iap.kafka.consumer.*` metrics for what the pipeline reports. */
function createKafkaHooks(runtime: ConsumerRuntime): ConsumeHooks<Delivery> {
  const { events } = runtime;
  const { telemetry } = runtime.config;
  return {
    handled(delivery, durationMs, attempt) {
      telemetry.counter?.('iap.kafka.consumer.processed', 1, delivery.scope.attributes);
      if (events.has('processed')) events.emit('processed', { ...delivery.location, type: delivery.event.type, durationMs, attempt });
    },
    duplicate(delivery, key) {
      telemetry.counter?.('iap.kafka.consumer.duplicates', 1, delivery.scope.attributes);
      if (events.has('duplicate')) events.emit('duplicate', { ...delivery.location, idempotencyKey: key });
    },
    handlerDuration: (delivery, durationMs) => telemetry.histogram?.('iap.kafka.consumer.handler.duration_ms', durationMs, delivery.scope.attributes),
    retrying(delivery, attempt, delayMs, error) {
      telemetry.counter?.('iap.kafka.consumer.retried', 1, delivery.scope.attributes);
      events.emit('retrying', { ...delivery.location, attempt, delayMs, error });
    },
  };
}

/**
 * Makes the delivery of one record on core's consume pipeline: a record of a retry topic that is
 * not due yet pauses the partition until it is; the record is decoded and its data validated
 * against the schema of its type and version, and a record that fails either is dead-lettered;
 * then the idempotency claim, the handler and its retries. Synchronous as long as every step is.
 * Our own failures (a throwing `idempotencyKey`, a bug) pause the partition for a heartbeat
 * interval and the record is tried again.
 */
export function createRecordDelivery(runtime: ConsumerRuntime, forwarder: Forwarder, retriesExhausted: RetriesExhausted): DeliverRecord {
  const { config } = runtime;
  const pipeline = createConsumePipeline<SourceRecord, Delivery>({
    adapter: createKafkaAdapter(runtime, forwarder, retriesExhausted),
    hooks: createKafkaHooks(runtime),
    schemas: config.schemas,
    unknownSchemaVersionError: (source, type, schemaVersion, message) => new UnknownSchemaVersionError(source.location, type, schemaVersion, message),
    claims: config.idempotencyStore === undefined ? undefined : createClaimStore(config.idempotencyStore, config),
    idempotencyKey: config.idempotencyKey,
    retryPolicy: config.retryPolicy,
    isRetryable: config.isRetryable,
    clock: config.clock,
    random: config.random,
    maxClaimWaitMs: config.heartbeatIntervalMs,
    unexpectedPauseMs: config.heartbeatIntervalMs,
    // the consumer owns each freshly decoded envelope, so validation may set its data in place
    ownsDecodedEnvelope: true,
  });
  const { deliver } = pipeline;
  return (scope, message) => deliver({ scope, message, location: { topic: scope.batch.topic, partition: scope.batch.partition, offset: message.offset } });
}
