import { ErrorCode, IapError, toIapError } from '@iap/core';
import { buildForwardRecord } from '../internal/forward-record.js';
import { withTimeout } from '../internal/with-timeout.js';
import { DeadLetterFailedError } from '../kafka-errors.js';
import type { OutgoingRecord } from '../kafka-record.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import { DONE, STOP, type Outcome, type SourceRecord } from './delivery-context.js';
import { waitHeartbeating } from './heartbeating-wait.js';

/**
 * Writes records on to a dead-letter or retry topic. A record is `DONE` (its offset may be
 * committed) only once the broker acknowledged its copy; until then the write is retried with
 * backoff while the consumer keeps heartbeating, and `STOP` comes back when the batch must stop.
 */
export interface Forwarder {
  /** Writes the record to its main topic's dead-letter topic, with `recorded` in the `kafka_dlt-*` headers. */
  deadLetter(source: SourceRecord, error: IapError, recorded: unknown): Promise<Outcome>;
  /** Writes the record to retry topic `level` of its main topic, due at `dueAt`, as delivery attempt `deliveryAttempt`. */
  toRetryTopic(source: SourceRecord, level: number, dueAt: number, deliveryAttempt: number, error: IapError, recorded: unknown): Promise<Outcome>;
}

/** Makes the consumer's forwarder. */
export function createForwarder(runtime: ConsumerRuntime): Forwarder {
  const { config, events } = runtime;
  const { clock, telemetry, logger, groupId, deadLetterTimeoutMs } = config;

  const timeoutError = (): IapError => new IapError(ErrorCode.TIMEOUT, `no acknowledgement within deadLetterTimeoutMs (${deadLetterTimeoutMs} ms)`, { retryable: true });

  /** Retried until acknowledged (true) or the batch must stop (false). */
  const write = async (source: SourceRecord, target: string, record: OutgoingRecord): Promise<boolean> => {
    const { location } = source;
    for (let attempt = 1; ; attempt++) {
      try {
        const send = runtime.producer().send({ topicRecords: [{ topic: target, records: [record] }], acks: -1, timeoutMs: deadLetterTimeoutMs, compression: 'none' });
        await withTimeout(send, { timeoutMs: deadLetterTimeoutMs, clock, timeoutError });
        return true;
      } catch (error) {
        runtime.emitError(
new DeadLetterFailedError(location, target, attempt, error, toIapError(error).message),
        );
        const delayMs = Math.min(30_000, 200 * 2 ** Math.min(attempt - 1, 8));
        if (!(await waitHeartbeating(runtime, source.scope.batch, delayMs))) return false;
      }
    }
  };

  const forwardSource = ({ scope, message }: SourceRecord) => ({ topic: scope.batch.topic, partition: scope.batch.partition, timestampType: scope.batch.timestampType, groupId, message });

  return {
    async deadLetter(source, error, recorded) {
      const target = config.deadLetterTopic(source.scope.route.mainTopic);
      if (!(await write(source, target, buildForwardRecord(forwardSource(source), recorded)))) return STOP;
      telemetry.counter?.('iap.kafka.consumer.dead_lettered', 1, source.scope.attributes);
      logger.warn({ ...source.location, code: error.code, deadLetterTopic: target }, 'record dead-lettered');
      events.emit('deadLettered', { ...source.location, deadLetterTopic: target, error });
      return DONE;
    },
    async toRetryTopic(source, level, dueAt, deliveryAttempt, error, recorded) {
      const target = config.retryTopic(source.scope.route.mainTopic, level);
      if (!(await write(source, target, buildForwardRecord(forwardSource(source), recorded, { attempt: deliveryAttempt, dueAt })))) return STOP;
      telemetry.counter?.('iap.kafka.consumer.forwarded', 1, source.scope.attributes);
      events.emit('forwarded', { ...source.location, retryTopic: target, dueAt, deliveryAttempt, error });
      return DONE;
    },
  };
}
