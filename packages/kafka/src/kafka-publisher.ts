import { ErrorCode, IapError, InFlightCalls, type PublishMessage, type PublishOptions, type PublishResult, type Publisher } from '@iap/core';
import { createProduceCoalescer, type CoalescedOutcome, type CoalescedSend } from './internal/produce-coalescer.js';
import { withTimeout } from './internal/with-timeout.js';
import { resolvePublisherOptions, type KafkaPublisherOptions } from './kafka-publisher-options.js';
import { createPublisherProducer } from './publisher/publisher-producer.js';
import { encodeByTopic, publishFailure, resultForAll, resultsFromOutcome, retryableForMessage, type TopicGroup } from './publisher/publish-results.js';
import { toKafkaBrokerError } from './kafka-errors.js';

/**
 * A {@link Publisher} for Kafka, as the outbox relay uses it.
 *
 * @example
 * ```ts
 * const publisher: KafkaPublisher = createKafkaPublisher({ transport });
 * await publisher.connect(); // fail fast at startup
 * const relay = createRelay({ database, outbox, publisher });
 * ```
 */
export interface KafkaPublisher extends Publisher {
  /** Connects the producer now; `publish` connects on first use otherwise. */
  connect(): Promise<void>;
}

/**
 * Creates a {@link Publisher} that writes envelopes to Kafka for the outbox relay: an idempotent
 * producer, `acks: -1` (all in-sync replicas), a `publish` call's records in one `sendBatch`
 * (calls made while requests are in flight are merged, see `maxRequestsInFlight`), the envelope
 * encoded with {@link encodeKafkaRecord} (the message's `partitionKey` as the record key, its
 * `headers` as extra record headers) and a result per message, in input order.
 *
 * Failures are returned, never thrown: a message whose envelope cannot be encoded fails alone (not
 * retryable); a broker failure fails the batch, classified retryable or not; when a batch fails for
 * a reason that is not retryable (e.g. one record is too large), its messages are sent one by one
 * so that only the culprits fail. A message reported failed may still have been written (at least
 * once); consumers deduplicate by envelope id.
 *
 * @throws IapError `INVALID_OPTIONS` for invalid options; `publish` rejects with `CLOSED` after `close()`.
 * @example
 * ```ts
 * const publisher = createKafkaPublisher({ transport: createKafkaJsTransport({ kafka }) });
 * const [result] = await publisher.publish([{ id: event.id, destination: 'orders', partitionKey: event.partitionKey, headers: {}, envelope: event }]);
 * ```
 */
export function createKafkaPublisher(options: KafkaPublisherOptions): KafkaPublisher {
  const config = resolvePublisherOptions(options);
  const { clock, telemetry } = config;
  let closed = false;
  let closing: Promise<void> | undefined;
  const inFlight = new InFlightCalls();
  const producer = createPublisherProducer(config, () => closed);

  const coalescer = createProduceCoalescer({
    send: producer.send,
    maxInFlight: config.maxRequestsInFlight,
    maxBytes: config.maxRequestBytes,
    isolate: (error) => !retryableForMessage(toKafkaBrokerError(error)),
    onIsolate: (error, records) =>
      config.logger.warn({ code: toKafkaBrokerError(error).code, messages: records }, 'kafka batch failed for a reason that is not retryable; sending its messages one by one to isolate the failure'),
  });

  /**
   * Waits for a submitted call's outcome within publishTimeoutMs (and the caller's signal); a caller
   * that stops waiting cancels it (withdrawn if still queued). Timeout and abort come back as errors.
   */
  const awaitOutcome = async (submitted: CoalescedSend, signal: AbortSignal | undefined): Promise<CoalescedOutcome> => {
    const started = clock.now();
    try {
      return await withTimeout(submitted.outcome, {
        timeoutMs: config.publishTimeoutMs,
        clock,
        signal,
        timeoutError: () => new IapError(ErrorCode.TIMEOUT, `no acknowledgement from Kafka within publishTimeoutMs (${config.publishTimeoutMs} ms)`, { retryable: true }),
        abortError: () => new IapError(ErrorCode.ABORTED, 'publish aborted before Kafka acknowledged', { retryable: true, cause: signal?.reason }),
      });
    } catch (error) {
      submitted.cancel(error);
      return { error };
    } finally {
      telemetry.histogram?.('iap.kafka.publisher.send.duration_ms', clock.now() - started);
    }
  };

  const sendGroups = async (messages: readonly PublishMessage[], groups: TopicGroup[], results: PublishResult[], signal: AbortSignal | undefined): Promise<void> => {
    if (signal?.aborted) {
      resultForAll(groups, results, (i) => publishFailure(messages[i]!.id, signal.reason, true, 'the publish was aborted'));
      return;
    }
    try {
      await producer.connect();
    } catch (error) {
      const e = toKafkaBrokerError(error);
      resultForAll(groups, results, (i) => publishFailure(messages[i]!.id, e, retryableForMessage(e), `the producer could not connect (${e.message})`));
      return;
    }
    resultsFromOutcome(messages, groups, await awaitOutcome(coalescer.submit(groups), signal), results);
  };

  const publishNow = async (messages: readonly PublishMessage[], publishOptions: PublishOptions): Promise<PublishResult[]> => {
    const results = new Array<PublishResult>(messages.length);
    const pending = encodeByTopic(messages, config.mode, results);
    if (pending.length > 0) await sendGroups(messages, pending, results, publishOptions.signal);
    let failed = 0;
    for (const r of results) if (!r.ok) failed++;
    if (failed < results.length) telemetry.counter?.('iap.kafka.publisher.published', results.length - failed);
    if (failed > 0) telemetry.counter?.('iap.kafka.publisher.failed', failed);
    return results;
  };

  return {
    connect: async () => {
      if (closed) throw new IapError(ErrorCode.CLOSED, 'the Kafka publisher is closed');
      await producer.connect();
    },
    publish(messages: readonly PublishMessage[], publishOptions: PublishOptions = {}): Promise<PublishResult[]> {
      if (closed) return Promise.reject(new IapError(ErrorCode.CLOSED, 'the Kafka publisher is closed; create a new one to publish'));
      if (messages.length === 0) return Promise.resolve([]);
      return inFlight.track(publishNow(messages, publishOptions));
    },
    close(): Promise<void> {
      if (closing !== undefined) return closing;
      closed = true;
      closing = (async () => {
        await inFlight.settled();
        await producer.disconnect();
      })();
      return closing;
    },
  };
}
