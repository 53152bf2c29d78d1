import { ErrorCode, IapError, toIapError, type PublishMessage, type PublishOptions, type PublishResult, type Publisher } from '@iap/core';
import { createProduceCoalescer, type CoalescedOutcome, type CoalescedSend, type TopicRecords } from './internal/produce-coalescer.js';
import { withTimeout } from './internal/with-timeout.js';
import { resolvePublisherOptions, type KafkaPublisherOptions } from './kafka-publisher-options.js';
import type { OutgoingRecord } from './kafka-record.js';
import { encodeKafkaRecord } from './record-codec.js';
import type { TransportProducer } from './transport.js';

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
 * Whether a message that failed with `error` may succeed when published again: every failure but
 * one caused by the message itself. A configuration failure (authorization, SASL) is not the
 * message's fault either: it stays retryable, so the relay keeps its key blocked and retries
 * instead of dead-lettering it.
 */
function retryableForMessage(error: IapError): boolean {
  return error.retryable || error.details.failure === 'configuration';
}

interface TopicGroup {
  readonly topic: string;
  readonly records: OutgoingRecord[];
  readonly indexes: number[];
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
  let producer: TransportProducer | undefined;
  let connecting: Promise<TransportProducer> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const connect = (): Promise<TransportProducer> => {
    if (producer !== undefined) return Promise.resolve(producer);
    if (connecting === undefined) {
      const candidate = config.transport.createProducer({ idempotent: true, partitioner: config.partitioner });
      connecting = candidate.connect().then(
        () => {
          connecting = undefined;
          if (closed) {
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
    config.logger.warn({ code: error.code, kafkaErrorType: error.details.kafkaErrorType }, 'kafka producer state lost; a new producer is created for the next send');
    void current.disconnect().catch(() => undefined);
  };

  const sendOnProducer = async (topicRecords: readonly TopicRecords[]): Promise<void> => {
    const current = await connect();
    try {
      await current.send(request(topicRecords));
    } catch (error) {
      const e = toIapError(error, ErrorCode.BROKER);
      if (e.details.producerStateLost === true) retire(current, e);
      throw error;
    }
  };

  const request = (topicRecords: readonly TopicRecords[]) => ({ topicRecords, acks: -1 as const, timeoutMs: config.publishTimeoutMs, compression: config.compression });

  const coalescer = createProduceCoalescer({
    send: sendOnProducer,
    maxInFlight: config.maxRequestsInFlight,
    maxBytes: config.maxRequestBytes,
    isolate: (error) => !retryableForMessage(toIapError(error, ErrorCode.BROKER)),
    onIsolate: (error, records) =>
      config.logger.warn({ code: toIapError(error, ErrorCode.BROKER).code, messages: records }, 'kafka batch failed for a reason that is not retryable; sending its messages one by one to isolate the failure'),
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

  const failure = (id: string, error: unknown, retryable: boolean, what: string): PublishResult => ({
    id,
    ok: false,
    retryable,
    error: new IapError(ErrorCode.PUBLISH_FAILED, `message ${id} was not published: ${what}`, { cause: error, retryable }),
  });

  const publishNow = async (messages: readonly PublishMessage[], publishOptions: PublishOptions): Promise<PublishResult[]> => {
    const results = new Array<PublishResult>(messages.length);
    const groups = new Map<string, TopicGroup>();
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      let record: OutgoingRecord;
      try {
        record = encodeKafkaRecord(message.envelope, { mode: config.mode, headers: message.headers, key: message.partitionKey ?? undefined, dataJson: message.dataJson });
      } catch (error) {
        results[i] = failure(message.id, error, false, `its envelope cannot be encoded (${toIapError(error).message})`);
        continue;
      }
      let group = groups.get(message.destination);
      if (group === undefined) {
        group = { topic: message.destination, records: [], indexes: [] };
        groups.set(message.destination, group);
      }
      group.records.push(record);
      group.indexes.push(i);
    }
    const pending = [...groups.values()];
    if (pending.length > 0) await sendGroups(messages, pending, results, publishOptions.signal);
    let failed = 0;
    for (const r of results) if (!r.ok) failed++;
    if (failed < results.length) telemetry.counter?.('iap.kafka.publisher.published', results.length - failed);
    if (failed > 0) telemetry.counter?.('iap.kafka.publisher.failed', failed);
    return results;
  };

  const sendGroups = async (messages: readonly PublishMessage[], groups: TopicGroup[], results: PublishResult[], signal: AbortSignal | undefined): Promise<void> => {
    const markAll = (result: (index: number) => PublishResult) => {
      for (const g of groups) for (const index of g.indexes) results[index] = result(index);
    };
    if (signal?.aborted) {
      markAll((i) => failure(messages[i]!.id, signal.reason, true, 'the publish was aborted'));
      return;
    }
    try {
      await connect();
    } catch (error) {
      const e = toIapError(error, ErrorCode.BROKER);
      markAll((i) => failure(messages[i]!.id, e, retryableForMessage(e), `the producer could not connect (${e.message})`));
      return;
    }
    const outcome = await awaitOutcome(coalescer.submit(groups), signal);
    // a result per record: from `recordErrors` when the call was sent one record at a time after a
    // permanent failure (in the order submitted), otherwise the call's one outcome
    const callError = outcome.recordErrors === undefined && outcome.error !== undefined ? toIapError(outcome.error, ErrorCode.BROKER) : undefined;
    let k = 0;
    for (const g of groups) {
      for (const index of g.indexes) {
        const error: unknown = outcome.recordErrors === undefined ? callError : outcome.recordErrors[k++];
        const id = messages[index]!.id;
        if (error === undefined) results[index] = { id, ok: true };
        else {
          const e = toIapError(error, ErrorCode.BROKER);
          results[index] = failure(id, e, retryableForMessage(e), e.message);
        }
      }
    }
  };

  return {
    connect: async () => {
      if (closed) throw new IapError(ErrorCode.CLOSED, 'the Kafka publisher is closed');
      await connect();
    },
    publish(messages: readonly PublishMessage[], publishOptions: PublishOptions = {}): Promise<PublishResult[]> {
      if (closed) return Promise.reject(new IapError(ErrorCode.CLOSED, 'the Kafka publisher is closed; create a new one to publish'));
      if (messages.length === 0) return Promise.resolve([]);
      const run = publishNow(messages, publishOptions);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run)).catch(() => undefined);
      return run;
    },
    close(): Promise<void> {
      if (closing !== undefined) return closing;
      closed = true;
      closing = (async () => {
        await Promise.allSettled([...inFlight]);
        const current = producer ?? (connecting === undefined ? undefined : await connecting.catch(() => undefined));
        producer = undefined;
        if (current !== undefined) await current.disconnect().catch((error: unknown) => config.logger.warn({ code: toIapError(error).code }, 'kafka producer disconnect failed'));
      })();
      return closing;
    },
  };
}
