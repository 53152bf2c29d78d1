import type { Clock } from '../clock.js';
import type { Envelope } from '../envelope.js';
import { ErrorCode } from '../error-codes.js';
import { IapError, toIapError } from '../iap-error.js';
import type { RandomSource } from '../random-source.js';
import type { RetryPolicy } from '../retry-policy.js';
import { isRetryableError } from '../retryable-error.js';
import type { BrokerAdapter, ConsumeDelivery, ConsumeHooks } from './broker-adapter.js';
import type { ClaimStore } from './claim-store.js';
import type { ConsumeOutcome } from './consume-outcome.js';
import { createDataValidator, type ConsumeSchemaMap, type DataValidator } from './data-validator.js';
import { createIdempotentAttempt } from './idempotent-attempt.js';
import type { MaybePromise } from './maybe-async.js';
import { createRetryLoop } from './retry-loop.js';

/**
 * Options of {@link createConsumePipeline}; a broker package resolves its own options into these.
 *
 * @example
 * ```ts
 * const options: ConsumePipelineOptions<QueueMessage, QueueDelivery> = { adapter, retryPolicy: createRetryPolicy({ maxAttempts: 3 }), clock: systemClock, unexpectedPauseMs: 1_000 };
 * ```
 */
export interface ConsumePipelineOptions<S, D extends S & ConsumeDelivery> {
  /** What the broker plugs in. */
  readonly adapter: BrokerAdapter<S, D>;
  /** Events and metrics. @defaultValue none */
  readonly hooks?: ConsumeHooks<D>;
  /**
   * Data schemas by event type and version; unknown types or versions are dead-lettered with
   * `UNKNOWN_SCHEMA_VERSION`, invalid data with `VALIDATION`. @defaultValue none (data is not validated)
   */
  readonly schemas?: ConsumeSchemaMap | undefined;
  /** Makes the `UNKNOWN_SCHEMA_VERSION` error (a broker's typed class). @defaultValue a plain IapError */
  readonly unknownSchemaVersionError?: (source: S, type: string, schemaVersion: string, message: string) => IapError;
  /**
   * Deduplication before the handler: claim, handle, complete (`createClaimStore` over any
   * IdempotencyStore). @defaultValue none (every delivery runs the handler)
   */
  readonly claims?: ClaimStore | undefined;
  /** The idempotency key of an event. @defaultValue `` `${event.source}#${event.id}` `` */
  readonly idempotencyKey?: (event: Envelope) => string;
  /** In-process retries of a failing handler (core's `createRetryPolicy`). */
  readonly retryPolicy: RetryPolicy;
  /** Whether a handler error is worth retrying; others are dead-lettered at once. @defaultValue core's `isRetryableError` */
  readonly isRetryable?: (error: unknown) => boolean;
  readonly clock: Clock;
  /** Randomness of retry jitter. @defaultValue `Math.random` */
  readonly random?: RandomSource;
  /** Longest single wait for a claim held by another worker. @defaultValue `unexpectedPauseMs` */
  readonly maxClaimWaitMs?: number;
  /** How long the message pauses after a failure of the pipeline itself (a throwing `idempotencyKey`, a bug). */
  readonly unexpectedPauseMs: number;
  /**
   * The decoded envelope belongs to the pipeline (a fresh object per message), so schema output may
   * replace its `data` in place instead of a copy. @defaultValue `false`
   */
  readonly ownsDecodedEnvelope?: boolean;
}

/**
 * The broker-neutral consume pipeline: what every broker package runs per message.
 *
 * @example
 * ```ts
 * const outcome = pipeline.deliver(message);
 * if ((outcome instanceof Promise ? await outcome : outcome).kind === 'done') await ack(message);
 * ```
 */
export interface ConsumePipeline<S> {
  /** Runs one message through the pipeline; never throws or rejects. Synchronous as long as every step is. */
  readonly deliver: (source: S) => MaybePromise<ConsumeOutcome>;
}

const defaultIdempotencyKey = (event: Envelope): string => `${event.source}#${event.id}`;

/**
 * Creates the consume pipeline: a redelivery that is not due yet pauses (`not-due`); the message
 * is decoded (`adapter.decode`) and its data validated against the Standard Schema of its type and
 * version, and a message that fails either is dead-lettered at once; then the idempotency key is
 * claimed (a duplicate is skipped), the handler runs, and a failure is classified
 * (`isRetryable`): retried in place after the retry policy's delay, and once the policy gives up
 * handed to `adapter.retriesExhausted` (redeliver later, block or dead-letter); a failure that is
 * not retryable is dead-lettered with the handler's error recorded. No promise is made while the
 * handler, the claim store and the adapter answer synchronously. A failure of the pipeline itself
 * is reported (`adapter.onError`, code `UNKNOWN`) and pauses the message (`blocked`), never dead-letters it.
 *
 * Its error codes are core's broker-neutral messaging codes, the same for every broker:
 * `MESSAGE_DECODE` (from `adapter.decode`), `VALIDATION` and `UNKNOWN_SCHEMA_VERSION` (bad data,
 * dead-lettered), `HANDLER_FAILED` (from `adapter.handlerFailedError`), `DEAD_LETTER_FAILED` (the
 * adapter's dead-letter writes), `STORE_FAILED` (the idempotency store; the message pauses). A broker
 * package raises them through its own typed classes (e.g. `@iap/kafka`'s `HandlerFailedError`)
 * and keeps codes only it has (`KafkaErrorCode.BROKER`) in its own map.
 *
 * @example
 * ```ts
 * const pipeline = createConsumePipeline({ adapter, claims: createClaimStore(store, { leaseMs: 60_000, ttlMs: 86_400_000 }), retryPolicy: createRetryPolicy({ maxAttempts: 3 }), clock: systemClock, unexpectedPauseMs: 3_000 });
 * channel.consume(queue, (message) => void settleOutcome(pipeline.deliver(message)));
 * ```
 */
export function createConsumePipeline<S, D extends S & ConsumeDelivery>(options: ConsumePipelineOptions<S, D>): ConsumePipeline<S> {
  const { adapter, clock, claims, unexpectedPauseMs } = options;
  const hooks = options.hooks ?? {};
  const idempotencyKey = options.idempotencyKey ?? defaultIdempotencyKey;
  const attempt = createIdempotentAttempt<S, D>({ adapter, hooks, claims, clock });
  const handle = createRetryLoop<S, D>({
    adapter,
    hooks,
    attempt,
    retryPolicy: options.retryPolicy,
    isRetryable: options.isRetryable ?? isRetryableError,
    clock,
    random: options.random ?? Math.random,
    maxClaimWaitMs: options.maxClaimWaitMs ?? unexpectedPauseMs,
  });
  const validator: DataValidator<S> | undefined =
    options.schemas === undefined
      ? undefined
      : createDataValidator<S>(options.schemas, {
          describe: adapter.describe,
          details: adapter.details,
          inPlace: options.ownsDecodedEnvelope === true,
          ...(options.unknownSchemaVersionError === undefined ? {} : { unknownSchemaVersion: options.unknownSchemaVersionError }),
        });

  const toHandler = (source: S, event: Envelope, deliveryAttempt: number): MaybePromise<ConsumeOutcome> => {
    const key = claims === undefined ? undefined : idempotencyKey(event);
    return handle(adapter.toDelivery(source, event, key, deliveryAttempt));
  };

  const afterValidation = (source: S, result: Envelope | IapError, deliveryAttempt: number): MaybePromise<ConsumeOutcome> =>
    IapError.isInstance(result) ? adapter.deadLetter(source, result, result) : toHandler(source, result, deliveryAttempt);

  const run = (source: S): MaybePromise<ConsumeOutcome> => {
    if (adapter.notDueInMs !== undefined) {
      const waitMs = adapter.notDueInMs(source);
      if (waitMs > 0) return { kind: 'pause', delayMs: waitMs, reason: 'not-due' };
    }
    const deliveryAttempt = adapter.deliveryAttempt(source);
    const decoded = adapter.decode(source);
    if (IapError.isInstance(decoded)) return adapter.deadLetter(source, decoded, decoded);
    if (validator === undefined) return toHandler(source, decoded, deliveryAttempt);
    const validated = validator(decoded, source);
    if (validated instanceof Promise) return validated.then((result) => afterValidation(source, result, deliveryAttempt));
    return afterValidation(source, validated, deliveryAttempt);
  };

  const unexpected = (source: S, error: unknown): ConsumeOutcome => {
    adapter.onError(new IapError(ErrorCode.UNKNOWN, `processing ${adapter.describe(source)} failed unexpectedly: ${toIapError(error).message}`, { cause: error }));
    return { kind: 'pause', delayMs: unexpectedPauseMs, reason: 'blocked' };
  };

  return {
    deliver(source) {
      try {
        const outcome = run(source);
        return outcome instanceof Promise ? outcome.catch((error: unknown) => unexpected(source, error)) : outcome;
      } catch (error) {
        return unexpected(source, error);
      }
    },
  };
}
