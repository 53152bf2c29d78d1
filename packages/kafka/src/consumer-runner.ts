import {
  ErrorCode,
  IapError,
  TypedEmitter,
  baseRetryDelay,
  computeRetryDelay,
  readRetryAfterMs,
  sleep,
  toIapError,
  holdProcessOpen,
  type ClaimResult,
  type Envelope,
  type TelemetryAttributes,
  type TimerHandle,
  type TypedEventSource,
} from '@iap/core';
import type { ConsumerEvents } from './consumer-events.js';
import { resolveConsumerOptions, type ConsumerOptions, type MessageContext, type ResolvedConsumerOptions, type SchemaMap } from './consumer-options.js';
import { RetryHeaders } from './dead-letter-headers.js';
import { decodeInt32, decodeInt64, headerBytes } from './header-values.js';
import { decodeWithOption } from './internal/custom-decode.js';
import { buildForwardRecord } from './internal/forward-record.js';
import { OffsetTracker, nextOffset, previousOffset } from './internal/offset-tracker.js';
import { createDataValidator, type DataValidator } from './internal/schema-validation.js';
import { syncView, type StoreEntry } from './internal/bounded-memory-store.js';
import { createConsumerConnection } from './internal/consumer-connection.js';
import { installShutdownSignals } from './internal/shutdown-signals.js';
import { withTimeout } from './internal/with-timeout.js';
import { describeLocation } from './kafka-errors.js';
import type { OutgoingRecord, RecordHeaders, RecordLocation, TransportMessage } from './kafka-record.js';
import { decodeRecordOrError } from './record-codec.js';
import type { ConsumerBatch, TransportProducer } from './transport.js';

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

/** How one delivery ended. */
type Outcome =
  /** Done (handled, duplicate, dead-lettered or forwarded): may be committed. */
  | { readonly kind: 'done' }
  /** Stop the batch here, nothing committed from this record on (closing, rebalance). */
  | { readonly kind: 'stop' }
  /** Pause the partition and come back to this record after `delayMs`. */
  | { readonly kind: 'pause'; readonly delayMs: number; readonly reason: 'blocked' | 'not-due' | 'store-unavailable' };

const DONE: Outcome = { kind: 'done' };
const STOP: Outcome = { kind: 'stop' };

/** How one handler attempt (claim, handler, complete) ended. */
type AttemptResult =
  /** Handled now, or earlier (a duplicate). */
  | { readonly kind: 'handled' }
  | { readonly kind: 'in-progress'; readonly expiresAt: number }
  | { readonly kind: 'failed'; readonly failure: unknown }
  | { readonly kind: 'store-failed'; readonly error: unknown };

const HANDLED: AttemptResult = { kind: 'handled' };
const NO_HEADERS: RecordHeaders = Object.freeze({});

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A subscribed topic: a main topic (level 0) or its retry topic `level`. */
interface Route {
  readonly mainTopic: string;
  readonly level: number;
}

interface PartitionState {
  resumeTimer: TimerHandle | undefined;
  /** Offsets processed beyond the last commit point before a pause (skipped when fetched again). */
  readonly completedAhead: Set<string>;
  /** Block mode: failed attempts per offset. */
  readonly blockedAttempts: Map<string, number>;
}

/** Per-batch constants. */
interface BatchScope {
  readonly batch: ConsumerBatch;
  readonly route: Route;
  readonly attributes: TelemetryAttributes;
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
  const config: ResolvedConsumerOptions = resolveConsumerOptions(options);
  const { clock, telemetry, logger, groupId } = config;
  const store = config.idempotencyStore;
  /** The default in-memory store answers synchronously: no promise per record on the hot path. */
  const syncStore = store === undefined ? undefined : syncView(store);
  // the consumer owns each freshly decoded envelope, so validation may set its data in place
  const validator: DataValidator | undefined = config.schemas === undefined ? undefined : createDataValidator(config.schemas, { inPlace: true });
  const events = new TypedEmitter<ConsumerEvents>({ onListenerError: (error, event) => logger.error({ event, code: toIapError(error).code }, 'a consumer event listener threw') });
  const exhausted = config.onRetriesExhausted;

  const routes = new Map<string, Route>();
  for (const topic of config.topics) routes.set(topic, { mainTopic: topic, level: 0 });
  if (exhausted.mode === 'retry-topics') {
    for (const topic of config.topics) {
      for (let level = 1; level <= exhausted.delaysMs.length; level++) routes.set(config.retryTopic(topic, level), { mainTopic: topic, level });
    }
  }
  const topics = [...routes.keys()];

  const partitions = new Map<string, PartitionState>();
  const closeController = new AbortController();
  let started = false;
  let closing = false;
  let closePromise: Promise<void> | undefined;
  let removeSignals: (() => void) | undefined;
  let releaseProcess: (() => void) | undefined;

  const partitionState = (topic: string, partition: number): PartitionState => {
    const id = `${topic}\u0000${partition}`;
    let state = partitions.get(id);
    if (state === undefined) {
      state = { resumeTimer: undefined, completedAhead: new Set(), blockedAttempts: new Map() };
      partitions.set(id, state);
    }
    return state;
  };

  const emitError = (error: IapError): void => {
    logger.warn({ code: error.code, ...error.details }, error.message);
    events.emit('error', { error });
  };

  const shouldStop = (batch: ConsumerBatch): boolean => closing || !batch.isRunning() || batch.isStale();
  /**
   * Per-record check. Staleness (a pending seek) is checked when a batch starts and during waits,
   * not per record: only this runner seeks, and it stops the batch when it does (kafkajs' isStale()
   * builds a JSON key per call, a measurable cost at tens of thousands of records per second).
   */
  const stopRequested = (batch: ConsumerBatch): boolean => closing || !batch.isRunning();

  /** Sleeps `ms` on the clock in heartbeat-sized slices, heartbeating after each; false when the batch must stop. */
  const waitHeartbeating = async (batch: ConsumerBatch, ms: number): Promise<boolean> => {
    let remaining = ms;
    while (remaining > 0) {
      const slice = Math.min(remaining, config.heartbeatIntervalMs);
      try {
        await sleep(slice, { clock, signal: closeController.signal });
      } catch {
        return false;
      }
      remaining -= slice;
      if (shouldStop(batch)) return false;
      try {
        await batch.heartbeat();
      } catch (error) {
        logger.info({ code: toIapError(error).code, topic: batch.topic, partition: batch.partition }, 'heartbeat failed during a retry wait (rebalance); the record will be fetched again');
        return false;
      }
    }
    return !shouldStop(batch);
  };

  /** Writes a dead-letter or retry record; retried until acknowledged or the batch must stop. */
  const writeForward = async (scope: BatchScope, location: RecordLocation, target: string, record: OutgoingRecord): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const send = currentProducer().send({ topicRecords: [{ topic: target, records: [record] }], acks: -1, timeoutMs: config.deadLetterTimeoutMs, compression: 'none' });
        await withTimeout(send, {
          timeoutMs: config.deadLetterTimeoutMs,
          clock,
          timeoutError: () => new IapError(ErrorCode.TIMEOUT, `no acknowledgement within deadLetterTimeoutMs (${config.deadLetterTimeoutMs} ms)`, { retryable: true }),
        });
        return true;
      } catch (error) {
        emitError(
          new IapError(ErrorCode.DEAD_LETTER_FAILED, `writing ${describeLocation(location)} to ${target} failed (attempt ${attempt}); its offset stays uncommitted and the write is retried: ${toIapError(error).message}`, {
            cause: error,
            retryable: true,
            details: { ...location, target, attempt },
          }),
        );
        const delayMs = Math.min(30_000, 200 * 2 ** Math.min(attempt - 1, 8));
        if (!(await waitHeartbeating(scope.batch, delayMs))) return false;
      }
    }
  };

  const deadLetter = async (scope: BatchScope, message: TransportMessage, location: RecordLocation, error: IapError, recorded: unknown): Promise<Outcome> => {
    const { batch, route } = scope;
    const target = config.deadLetterTopic(route.mainTopic);
    const record = buildForwardRecord({ topic: batch.topic, partition: batch.partition, timestampType: batch.timestampType, groupId, message }, recorded);
    if (!(await writeForward(scope, location, target, record))) return STOP;
    telemetry.counter?.('iap.kafka.consumer.dead_lettered', 1, scope.attributes);
    logger.warn({ ...location, code: error.code, deadLetterTopic: target }, 'record dead-lettered');
    events.emit('deadLettered', { ...location, deadLetterTopic: target, error });
    return DONE;
  };

  /** The handler's in-process retries are spent: apply `onRetriesExhausted`. */
  const escalate = async (scope: BatchScope, message: TransportMessage, location: RecordLocation, error: IapError, recorded: unknown, deliveryAttempt: number): Promise<Outcome> => {
    const { batch, route } = scope;
    if (exhausted.mode === 'retry-topics' && route.level < exhausted.delaysMs.length) {
      const level = route.level + 1;
      const target = config.retryTopic(route.mainTopic, level);
      const dueAt = clock.now() + exhausted.delaysMs[route.level]!;
      const record = buildForwardRecord({ topic: batch.topic, partition: batch.partition, timestampType: batch.timestampType, groupId, message }, recorded, { attempt: deliveryAttempt + 1, dueAt });
      if (!(await writeForward(scope, location, target, record))) return STOP;
      telemetry.counter?.('iap.kafka.consumer.forwarded', 1, scope.attributes);
      events.emit('forwarded', { ...location, retryTopic: target, dueAt, deliveryAttempt: deliveryAttempt + 1, error });
      return DONE;
    }
    if (exhausted.mode === 'block') {
      const state = partitionState(batch.topic, batch.partition);
      const failures = (state.blockedAttempts.get(message.offset) ?? 0) + 1;
      state.blockedAttempts.set(message.offset, failures);
      return { kind: 'pause', delayMs: baseRetryDelay(exhausted.backoff, failures), reason: 'blocked' };
    }
    return deadLetter(scope, message, location, error, recorded);
  };

  const claimOptions = { leaseMs: config.idempotencyLeaseMs };
  const completeOptions = { ttlMs: config.idempotencyTtlMs };
  /** A claim on the idempotency store: a number from the built-in store, a token string from any other, undefined without a store. */
  type Claim = number | string | undefined;

  /** Runs the handler once for a claimed (or undeduplicated) event; synchronous when the handler and the store are. */
  const invoke = (scope: BatchScope, message: TransportMessage, location: RecordLocation, event: Envelope, key: string | undefined, token: Claim, attempt: number, deliveryAttempt: number): AttemptResult | Promise<AttemptResult> => {
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
      deliveryAttempt,
      signal: closeController.signal,
    };
    const started = clock.now();
    let result: unknown;
    try {
      result = config.handler(event, context);
    } catch (failure) {
      return failed(scope, key, token, started, failure);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => succeeded(scope, location, event, key, token, started, attempt),
        (failure: unknown) => failed(scope, key, token, started, failure),
      );
    }
    return succeeded(scope, location, event, key, token, started, attempt);
  };

  const reportHandled = (scope: BatchScope, location: RecordLocation, event: Envelope, durationMs: number, attempt: number): AttemptResult => {
    telemetry.counter?.('iap.kafka.consumer.processed', 1, scope.attributes);
    if (events.has('processed')) events.emit('processed', { ...location, type: event.type, durationMs, attempt });
    return HANDLED;
  };

  const notStored = (location: RecordLocation, error: unknown): void =>
    emitError(new IapError(ErrorCode.STORE_FAILED, `the handler succeeded for ${describeLocation(location)} but its idempotency record was not stored; a redelivery may run it again`, { cause: error, details: { ...location } }));

  const succeeded = (scope: BatchScope, location: RecordLocation, event: Envelope, key: string | undefined, token: Claim, started: number, attempt: number): AttemptResult | Promise<AttemptResult> => {
    const durationMs = clock.now() - started;
    telemetry.histogram?.('iap.kafka.consumer.handler.duration_ms', durationMs, scope.attributes);
    if (token === undefined) return reportHandled(scope, location, event, durationMs, attempt);
    if (typeof token === 'number') {
      try {
        syncStore!.complete(key!, token, config.idempotencyTtlMs);
      } catch (error) {
        notStored(location, error);
      }
      return reportHandled(scope, location, event, durationMs, attempt);
    }
    return store!.complete(key!, token, completeOptions).then(
      () => reportHandled(scope, location, event, durationMs, attempt),
      (error: unknown) => {
        notStored(location, error);
        return reportHandled(scope, location, event, durationMs, attempt);
      },
    );
  };

  const failed = (scope: BatchScope, key: string | undefined, token: Claim, started: number, failure: unknown): AttemptResult | Promise<AttemptResult> => {
    telemetry.histogram?.('iap.kafka.consumer.handler.duration_ms', clock.now() - started, scope.attributes);
    const result: AttemptResult = { kind: 'failed', failure };
    if (token === undefined) return result;
    if (typeof token === 'number') {
      syncStore!.release(key!, token);
      return result;
    }
    return store!.release(key!, token).then(
      () => result,
      () => result,
    );
  };

  const afterClaim = (scope: BatchScope, message: TransportMessage, location: RecordLocation, event: Envelope, key: string, claim: ClaimResult, attempt: number, deliveryAttempt: number): AttemptResult | Promise<AttemptResult> => {
    if (claim.status === 'claimed') return invoke(scope, message, location, event, key, claim.token, attempt, deliveryAttempt);
    if (claim.status === 'in_progress') return { kind: 'in-progress', expiresAt: claim.expiresAt };
    return duplicate(scope, location, key);
  };

  const duplicate = (scope: BatchScope, location: RecordLocation, key: string): AttemptResult => {
    telemetry.counter?.('iap.kafka.consumer.duplicates', 1, scope.attributes);
    if (events.has('duplicate')) events.emit('duplicate', { ...location, idempotencyKey: key });
    return HANDLED;
  };

  /** Claim, handler, complete: one attempt. */
  const attemptOnce = (scope: BatchScope, message: TransportMessage, location: RecordLocation, event: Envelope, key: string | undefined, attempt: number, deliveryAttempt: number): AttemptResult | Promise<AttemptResult> => {
    if (key === undefined) return invoke(scope, message, location, event, undefined, undefined, attempt, deliveryAttempt);
    if (syncStore !== undefined) {
      let claimed: number | StoreEntry;
      try {
        claimed = syncStore.tryClaim(key, config.idempotencyLeaseMs);
      } catch (error) {
        return { kind: 'store-failed', error };
      }
      if (typeof claimed === 'number') return invoke(scope, message, location, event, key, claimed, attempt, deliveryAttempt);
      if (claimed.state === 'in_progress') return { kind: 'in-progress', expiresAt: claimed.expiresAt };
      return duplicate(scope, location, key);
    }
    return store!.claim(key, claimOptions).then(
      (claim) => afterClaim(scope, message, location, event, key, claim, attempt, deliveryAttempt),
      (error: unknown): AttemptResult => ({ kind: 'store-failed', error }),
    );
  };

  /** Dedup and handler with in-process retries; stays synchronous on the happy path with a synchronous handler. */
  const runHandler = (scope: BatchScope, message: TransportMessage, location: RecordLocation, event: Envelope, deliveryAttempt: number): Outcome | Promise<Outcome> => {
    const key = store === undefined ? undefined : config.idempotencyKey(event);
    const firstStarted = clock.now();
    const first = attemptOnce(scope, message, location, event, key, 1, deliveryAttempt);
    if (!(first instanceof Promise) && first.kind === 'handled') return DONE;
    return retryLoop(scope, message, location, event, key, deliveryAttempt, firstStarted, first);
  };

  const retryLoop = async (
    scope: BatchScope,
    message: TransportMessage,
    location: RecordLocation,
    event: Envelope,
    key: string | undefined,
    deliveryAttempt: number,
    firstStarted: number,
    first: AttemptResult | Promise<AttemptResult>,
  ): Promise<Outcome> => {
    const { batch } = scope;
    let previousDelayMs: number | undefined;
    let attempt = 1;
    let result = await first;
    for (;;) {
      switch (result.kind) {
        case 'handled':
          return DONE;
        case 'store-failed':
          emitError(new IapError(ErrorCode.STORE_FAILED, `the idempotency store failed for ${describeLocation(location)}; the partition pauses and the record is fetched again`, { cause: result.error, retryable: true, details: { ...location } }));
          return { kind: 'pause', delayMs: baseRetryDelay(config.retryPolicy, attempt), reason: 'store-unavailable' };
        case 'in-progress': {
          // another worker holds it (e.g. the previous owner of this partition): wait for it or its lease
          const waitMs = Math.max(1, Math.min(result.expiresAt - clock.now(), config.heartbeatIntervalMs));
          if (!(await waitHeartbeating(batch, waitMs))) return STOP;
          break;
        }
        case 'failed': {
          const failure = result.failure;
          let retryable: boolean;
          try {
            retryable = config.isRetryable(failure);
          } catch {
            retryable = false;
          }
          const error = new IapError(ErrorCode.HANDLER_FAILED, `the handler failed for ${describeLocation(location)} (attempt ${attempt}): ${toIapError(failure).message}`, {
            cause: failure,
            retryable,
            details: { ...location, attempt, type: event.type },
          });
          if (!retryable) return deadLetter(scope, message, location, error, failure);
          const decision = computeRetryDelay(config.retryPolicy, {
            attempt,
            elapsedMs: clock.now() - firstStarted,
            retryAfterMs: readRetryAfterMs(failure),
            random: config.random,
            ...(previousDelayMs === undefined ? {} : { previousDelayMs }),
          });
          if (!decision.retry) return escalate(scope, message, location, error, failure, deliveryAttempt);
          telemetry.counter?.('iap.kafka.consumer.retried', 1, scope.attributes);
          events.emit('retrying', { ...location, attempt, delayMs: decision.delayMs, error });
          previousDelayMs = decision.delayMs;
          if (!(await waitHeartbeating(batch, decision.delayMs))) return STOP;
          attempt++;
          break;
        }
      }
      if (closing) return STOP;
      result = await attemptOnce(scope, message, location, event, key, attempt, deliveryAttempt);
    }
  };

  const afterValidation = (scope: BatchScope, message: TransportMessage, location: RecordLocation, result: Envelope | IapError, deliveryAttempt: number): Outcome | Promise<Outcome> =>
    IapError.isInstance(result) ? deadLetter(scope, message, location, result, result) : runHandler(scope, message, location, result, deliveryAttempt);

  const deliver = (scope: BatchScope, message: TransportMessage): Outcome | Promise<Outcome> => {
    const { batch, route } = scope;
    const location: RecordLocation = { topic: batch.topic, partition: batch.partition, offset: message.offset };
    let deliveryAttempt = 1;
    if (route.level > 0) {
      const dueAt = decodeInt64(headerBytes(message.headers, RetryHeaders.DUE_AT));
      if (dueAt !== undefined) {
        const waitMs = Number(dueAt) - clock.now();
        if (waitMs > 0) return { kind: 'pause', delayMs: waitMs, reason: 'not-due' };
      }
      deliveryAttempt = decodeInt32(headerBytes(message.headers, RetryHeaders.ATTEMPT)) ?? route.level + 1;
    }
    const decoded = config.decode === undefined ? decodeRecordOrError(message, location) : decodeWithOption(config.decode, message, location);
    if (IapError.isInstance(decoded)) return deadLetter(scope, message, location, decoded, decoded);
    if (validator === undefined) return runHandler(scope, message, location, decoded, deliveryAttempt);
    const validated = validator(decoded, location);
    if (validated instanceof Promise) return validated.then((result) => afterValidation(scope, message, location, result, deliveryAttempt));
    return afterValidation(scope, message, location, validated, deliveryAttempt);
  };

  const unexpected = (scope: BatchScope, message: TransportMessage, error: unknown): Outcome => {
    emitError(new IapError(ErrorCode.UNKNOWN, `processing ${describeLocation({ topic: scope.batch.topic, partition: scope.batch.partition, offset: message.offset })} failed unexpectedly: ${toIapError(error).message}`, { cause: error }));
    return { kind: 'pause', delayMs: config.heartbeatIntervalMs, reason: 'blocked' };
  };

  /** Never throws or rejects: our own failures (a throwing idempotencyKey, a bug) pause the partition and retry later. */
  const safeDeliver = (scope: BatchScope, message: TransportMessage): Outcome | Promise<Outcome> => {
    try {
      const outcome = deliver(scope, message);
      return outcome instanceof Promise ? outcome.catch((error: unknown) => unexpected(scope, message, error)) : outcome;
    } catch (error) {
      return unexpected(scope, message, error);
    }
  };

  interface BatchResult {
    /** Next offset to commit, if anything new is done. */
    readonly commit: string | undefined;
    readonly pause: { readonly offset: string; readonly delayMs: number; readonly reason: 'blocked' | 'not-due' | 'store-unavailable' } | undefined;
  }

  const runSequential = async (scope: BatchScope, state: PartitionState): Promise<BatchResult> => {
    const { batch } = scope;
    let lastDone: string | undefined;
    let pause: BatchResult['pause'];
    for (const message of batch.messages) {
      if (stopRequested(batch)) break;
      if (state.completedAhead.size > 0 && state.completedAhead.delete(message.offset)) {
        lastDone = message.offset;
        continue;
      }
      let outcome = safeDeliver(scope, message);
      if (outcome instanceof Promise) outcome = await outcome;
      if (outcome.kind === 'done') {
        lastDone = message.offset;
        continue;
      }
      if (outcome.kind === 'pause') pause = { offset: message.offset, delayMs: outcome.delayMs, reason: outcome.reason };
      break;
    }
    return { commit: lastDone === undefined ? undefined : nextOffset(lastDone), pause };
  };

  const runConcurrent = async (scope: BatchScope, state: PartitionState): Promise<BatchResult> => {
    const { batch } = scope;
    const messages = batch.messages;
    const tracker = new OffsetTracker(messages.map((m) => m.offset));
    const lanes = new Map<string, Promise<void>>();
    const running = new Set<Promise<void>>();
    let wakeDispatcher: (() => void) | undefined;
    let stopped = false;
    let pause: { index: number; delayMs: number; reason: 'blocked' | 'not-due' | 'store-unavailable' } | undefined;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index]!;
      if (state.completedAhead.size > 0 && state.completedAhead.delete(message.offset)) {
        tracker.complete(index);
        continue;
      }
      while (running.size >= config.keyConcurrency && !stopped) await new Promise<void>((resolve) => (wakeDispatcher = resolve));
      if (stopped || stopRequested(batch)) break;
      // records without a key have no order to keep: each is its own lane
      const lane = message.key === null ? `\u0000${index}` : message.key.toString('latin1');
      const previous = lanes.get(lane);
      const i = index;
      const run = (previous ?? Promise.resolve()).then(async () => {
        if (stopped) return;
        const outcome = await safeDeliver(scope, message);
        if (outcome.kind === 'done') {
          tracker.complete(i);
          return;
        }
        stopped = true;
        if (outcome.kind === 'pause' && (pause === undefined || i < pause.index)) pause = { index: i, delayMs: outcome.delayMs, reason: outcome.reason };
      });
      const tracked = run.finally(() => {
        running.delete(tracked);
        if (lanes.get(lane) === tracked) lanes.delete(lane);
        const wake = wakeDispatcher;
        wakeDispatcher = undefined;
        wake?.();
      });
      running.add(tracked);
      lanes.set(lane, tracked);
    }
    while (running.size > 0) await Promise.all([...running]);
    const commit = tracker.committableOffset();
    let pauseAt: BatchResult['pause'];
    if (pause !== undefined) {
      // resume at the first record not done (it may be before the one that asked for the pause)
      pauseAt = { offset: messages[tracker.firstPending]!.offset, delayMs: pause.delayMs, reason: pause.reason };
      for (const offset of tracker.completedAhead()) state.completedAhead.add(offset);
    }
    // when stopped for closing or a rebalance, records done beyond the commit point are redelivered
    // to the next owner, which deduplicates them through the idempotency store
    return { commit, pause: pauseAt };
  };

  const pausePartition = (batch: ConsumerBatch, state: PartitionState, offset: string, delayMs: number, reason: 'blocked' | 'not-due' | 'store-unavailable'): void => {
    const { topic, partition } = batch;
    const consumer = connection.consumer();
    if (consumer === undefined) return; // re-joining: the new member starts from the last commit
    consumer.seek(topic, partition, offset);
    consumer.pause(topic, partition);
    if (state.resumeTimer !== undefined) clock.clearTimeout(state.resumeTimer);
    state.resumeTimer = clock.setTimeout(() => {
      state.resumeTimer = undefined;
      if (!closing) connection.consumer()?.resume(topic, partition);
    }, delayMs);
    events.emit('paused', { topic, partition, offset, delayMs, reason });
  };

  const eachBatch = async (batch: ConsumerBatch): Promise<void> => {
    const route = routes.get(batch.topic);
    if (route === undefined || closing || batch.messages.length === 0 || batch.isStale()) return;
    const state = partitionState(batch.topic, batch.partition);
    if (state.resumeTimer !== undefined) return; // paused: a batch fetched before the pause
    const scope: BatchScope = { batch, route, attributes: { topic: batch.topic, partition: batch.partition } };
    let result: BatchResult;
    try {
      result = config.keyConcurrency === 1 ? await runSequential(scope, state) : await runConcurrent(scope, state);
    } catch (error) {
      emitError(new IapError(ErrorCode.UNKNOWN, `processing a batch of ${batch.topic}[${batch.partition}] failed unexpectedly: ${toIapError(error).message}`, { cause: error }));
      return;
    }
    if (result.commit !== undefined) batch.resolveOffset(previousOffset(result.commit));
    if (result.pause !== undefined) pausePartition(batch, state, result.pause.offset, result.pause.delayMs, result.pause.reason);
    if (result.commit !== undefined) {
      try {
        await batch.commit(result.commit);
      } catch (error) {
        emitError(
          new IapError(ErrorCode.BROKER, `committing offset ${result.commit} of ${batch.topic}[${batch.partition}] failed; records after the last commit will be redelivered and deduplicated: ${toIapError(error).message}`, {
            cause: error,
            retryable: true,
            details: { topic: batch.topic, partition: batch.partition, offset: result.commit },
          }),
        );
      }
      if (state.blockedAttempts.size > 0) {
        const committed = Number(result.commit);
        for (const offset of state.blockedAttempts.keys()) if (Number(offset) < committed) state.blockedAttempts.delete(offset);
      }
      if (telemetry.gauge !== undefined || events.has('lag')) {
        const lag = Math.max(0, Number(batch.highWatermark) - Number(result.commit));
        telemetry.gauge?.('iap.kafka.consumer.lag', lag, scope.attributes);
        events.emit('lag', { topic: batch.topic, partition: batch.partition, lag });
      }
    }
  };

  /** Forgets per-partition memory of partitions this member no longer owns. */
  const onAssigned = (assignment: Readonly<Record<string, readonly number[]>>): void => {
    for (const [id, state] of partitions) {
      const [topic, partition] = id.split('\u0000') as [string, string];
      if (!(assignment[topic] ?? []).includes(Number(partition))) {
        state.completedAhead.clear();
        state.blockedAttempts.clear();
      }
    }
  };

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
    eachBatch,
    onAssigned,
    emitError,
    signal: closeController.signal,
    clock,
    logger,
  });

  function currentProducer(): TransportProducer {
    const producer = connection.producer();
    if (producer === undefined) throw new IapError(ErrorCode.BROKER, 'the consumer is re-joining its group: its producer is not connected', { retryable: true });
    return producer;
  }

  const close = (): Promise<void> => {
    if (closePromise !== undefined) return closePromise;
    closing = true;
    closeController.abort(new IapError(ErrorCode.CLOSED, 'the consumer is closing'));
    closePromise = (async () => {
      for (const state of partitions.values()) {
        if (state.resumeTimer !== undefined) clock.clearTimeout(state.resumeTimer);
        state.resumeTimer = undefined;
      }
      await connection.disconnect();
      removeSignals?.();
      releaseProcess?.();
      logger.info({ groupId }, 'consumer closed');
      events.emit('closed', { groupId });
    })();
    return closePromise;
  };

  const start = async (): Promise<void> => {
    if (closing) throw new IapError(ErrorCode.CLOSED, 'the consumer is closed; create a new one');
    if (started) throw new IapError(ErrorCode.INVALID_TRANSITION, 'the consumer was already started');
    started = true;
    if (config.keepProcessAlive) releaseProcess = holdProcessOpen();
    try {
      await connection.start();
    } catch (error) {
      await close();
      throw toIapError(error, ErrorCode.BROKER);
    }
    if (config.shutdownSignals.length > 0) removeSignals = installShutdownSignals(config.shutdownSignals, close, logger);
    logger.info({ groupId, topics }, 'consumer started');
    events.emit('started', { groupId, topics });
  };

  return { start, close, events, topics };
}
