import { ErrorCode, IapError, toIapError, type Envelope } from '@iap/core';
import { RetryHeaders } from '../dead-letter-headers.js';
import { decodeInt32, decodeInt64, headerBytes } from '../header-values.js';
import { decodeWithOption } from '../internal/custom-decode.js';
import { createDataValidator, type DataValidator } from '../internal/schema-validation.js';
import { describeLocation } from '../kafka-errors.js';
import type { RecordLocation, TransportMessage } from '../kafka-record.js';
import { decodeRecordOrError } from '../record-codec.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import type { BatchScope, Outcome, SourceRecord } from './delivery-context.js';
import type { Forwarder } from './forwarder.js';
import type { MaybePromise } from './maybe-async.js';
import type { HandleWithRetries } from './retry-loop.js';

/** Delivers one record of a batch; never throws or rejects. */
export type DeliverRecord = (scope: BatchScope, message: TransportMessage) => MaybePromise<Outcome>;

/**
 * Makes the delivery of one record: a record of a retry topic that is not due yet pauses the
 * partition until it is; the record is decoded (both CloudEvents modes, or the `decode` option) and
 * its data validated against the schema of its type and version, and a record that fails either is
 * dead-lettered; then the handler runs with retries. Synchronous as long as every step is. Our own
 * failures (a throwing `idempotencyKey`, a bug) pause the partition and the record is tried again later.
 */
export function createRecordDelivery(runtime: ConsumerRuntime, forwarder: Forwarder, handle: HandleWithRetries): DeliverRecord {
  const { config } = runtime;
  const { clock } = config;
  const store = config.idempotencyStore;
  // the consumer owns each freshly decoded envelope, so validation may set its data in place
  const validator: DataValidator | undefined = config.schemas === undefined ? undefined : createDataValidator(config.schemas, { inPlace: true });

  const toHandler = (source: SourceRecord, event: Envelope, deliveryAttempt: number): MaybePromise<Outcome> => {
    const key = store === undefined ? undefined : config.idempotencyKey(event);
    return handle({ scope: source.scope, message: source.message, location: source.location, event, key, deliveryAttempt });
  };

  const afterValidation = (source: SourceRecord, result: Envelope | IapError, deliveryAttempt: number): MaybePromise<Outcome> =>
    IapError.isInstance(result) ? forwarder.deadLetter(source, result, result) : toHandler(source, result, deliveryAttempt);

  const deliver = (scope: BatchScope, message: TransportMessage): MaybePromise<Outcome> => {
    const { batch, route } = scope;
    let deliveryAttempt = 1;
    if (route.level > 0) {
      const dueAt = decodeInt64(headerBytes(message.headers, RetryHeaders.DUE_AT));
      if (dueAt !== undefined) {
        const waitMs = Number(dueAt) - clock.now();
        if (waitMs > 0) return { kind: 'pause', delayMs: waitMs, reason: 'not-due' };
      }
      deliveryAttempt = decodeInt32(headerBytes(message.headers, RetryHeaders.ATTEMPT)) ?? route.level + 1;
    }
    const location: RecordLocation = { topic: batch.topic, partition: batch.partition, offset: message.offset };
    const source: SourceRecord = { scope, message, location };
    const decoded = config.decode === undefined ? decodeRecordOrError(message, location) : decodeWithOption(config.decode, message, location);
    if (IapError.isInstance(decoded)) return forwarder.deadLetter(source, decoded, decoded);
    if (validator === undefined) return toHandler(source, decoded, deliveryAttempt);
    const validated = validator(decoded, location);
    if (validated instanceof Promise) return validated.then((result) => afterValidation(source, result, deliveryAttempt));
    return afterValidation(source, validated, deliveryAttempt);
  };

  const unexpected = (scope: BatchScope, message: TransportMessage, error: unknown): Outcome => {
    const location = { topic: scope.batch.topic, partition: scope.batch.partition, offset: message.offset };
    runtime.emitError(new IapError(ErrorCode.UNKNOWN, `processing ${describeLocation(location)} failed unexpectedly: ${toIapError(error).message}`, { cause: error }));
    return { kind: 'pause', delayMs: config.heartbeatIntervalMs, reason: 'blocked' };
  };

  return (scope, message) => {
    try {
      const outcome = deliver(scope, message);
      return outcome instanceof Promise ? outcome.catch((error: unknown) => unexpected(scope, message, error)) : outcome;
    } catch (error) {
      return unexpected(scope, message, error);
    }
  };
}
