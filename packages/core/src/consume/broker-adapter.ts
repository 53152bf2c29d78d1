import type { Envelope } from '../envelope.js';
import type { IapError } from '../iap-error.js';
import type { ConsumeOutcome } from './consume-outcome.js';
import type { MaybePromise } from './maybe-async.js';

/**
 * What the pipeline knows of a decoded, validated message on its way to the handler. A broker's
 * own delivery type extends it with where the message came from (Kafka: topic, partition, offset;
 * RabbitMQ: channel and delivery tag; SQS: receipt handle).
 *
 * @example
 * ```ts
 * interface QueueDelivery extends QueueMessage, ConsumeDelivery {}
 * ```
 */
export interface ConsumeDelivery {
  readonly event: Envelope;
  /** The event's idempotency key; undefined without an idempotency store. */
  readonly key: string | undefined;
  /** Delivery number across redeliveries by the broker (1 on the first delivery). */
  readonly deliveryAttempt: number;
}

/**
 * What a broker package plugs into the consume pipeline (`createConsumePipeline`): only what
 * differs between brokers. `S` is the broker's received message (with whatever it needs to
 * acknowledge, redeliver or dead-letter it), `D` its delivery, made by {@link toDelivery} from a
 * message and its decoded event.
 *
 * The pipeline returns a {@link ConsumeOutcome} per message; the broker acknowledges on `done`
 * (commit, ack, delete), leaves the message unacknowledged on `stop`, and delivers it again after
 * `delayMs` on `pause` (seek and pause, nack and requeue later, visibility timeout). Every method is
 * called from the pipeline only; a method that may finish synchronously should, since the pipeline
 * makes no promise per message while the handler, the store and the adapter are synchronous.
 *
 * @example
 * ```ts
 * const adapter: BrokerAdapter<QueueMessage, QueueDelivery> = {
 *   notDueInMs: () => 0,
 *   deliveryAttempt: (m) => m.redeliveryCount + 1,
 *   decode: (m) => decodeQueueMessage(m),
 *   toDelivery: (m, event, key, deliveryAttempt) => ({ ...m, event, key, deliveryAttempt }),
 *   invoke: (d, attempt) => handler(d.event, { attempt, queue: d.queue }),
 *   wait: (_d, ms) => sleep(ms, { clock }).then(() => !closing),
 *   deadLetter: (m, error, recorded) => publishToDeadLetterQueue(m, error, recorded).then(() => CONSUME_DONE),
 *   retriesExhausted: (d, error, recorded) => publishToRetryQueue(d, error, recorded).then(() => CONSUME_DONE),
 *   handlerFailedError: (d, attempt, failure, retryable) => new IapError(ErrorCode.HANDLER_FAILED, `handler failed for ${d.id}`, { cause: failure, retryable }),
 *   describe: (m) => `message ${m.id} of ${m.queue}`,
 *   details: (m) => ({ queue: m.queue, messageId: m.id }),
 *   isStopping: () => closing,
 *   onError: (error) => log.warn(error.toJSON()),
 * };
 * ```
 */
export interface BrokerAdapter<S, D extends S & ConsumeDelivery> {
  /**
   * Reads the message's headers: how long until a delayed redelivery is due. Above 0 the message is
   * not handled now; the pipeline answers `pause` with this delay and reason `not-due`. Leave out
   * for brokers that never deliver early.
   */
  readonly notDueInMs?: (source: S) => number;
  /** Reads the message's headers: its delivery number across redeliveries (1 on the first). */
  readonly deliveryAttempt: (source: S) => number;
  /**
   * Turns the message into an envelope, or the typed error that says why it cannot be (code
   * `MESSAGE_DECODE`); the message is then dead-lettered with that error. Never throws.
   */
  readonly decode: (source: S) => Envelope | IapError;
  /** Makes the delivery of a message once its event is decoded and validated: one object per message. */
  readonly toDelivery: (source: S, event: Envelope, key: string | undefined, deliveryAttempt: number) => D;
  /** Runs the user's handler once for the delivery with the broker's context; `attempt` counts in-process attempts from 1. */
  readonly invoke: (delivery: D, attempt: number) => unknown;
  /**
   * Waits `ms` before the next in-process attempt or while another worker holds the claim, keeping
   * the broker's session alive (Kafka heartbeats, SQS extends the visibility timeout). Resolves
   * false when the message must not be handled any more (closing, lost): the pipeline then ends `stop`.
   */
  readonly wait: (delivery: D, ms: number) => Promise<boolean>;
  /**
   * Writes the message to its dead-letter destination with `error` (the pipeline's error) and
   * `recorded` (what to record as the cause: the handler's own error, or the decode error) in the
   * documented dead-letter headers; `done` once the broker acknowledged the copy, `stop` when it
   * must give up. Called for bad input (decode, `VALIDATION`, `UNKNOWN_SCHEMA_VERSION`) and for
   * handler failures that are not retryable.
   */
  readonly deadLetter: (source: S, error: IapError, recorded: unknown) => MaybePromise<ConsumeOutcome>;
  /**
   * The in-process retries of a retryable failure are spent: redeliver later (a retry topic, a
   * TTL or delay queue, a longer visibility timeout), block (`pause`) or dead-letter, as the
   * broker's policy says. `error` is the last `HANDLER_FAILED` error, `recorded` the handler's error.
   */
  readonly retriesExhausted: (delivery: D, error: IapError, recorded: unknown) => MaybePromise<ConsumeOutcome>;
  /** Makes the `HANDLER_FAILED` error of a failed attempt (a broker's typed class); `failure` is its cause. */
  readonly handlerFailedError: (delivery: D, attempt: number, failure: unknown, retryable: boolean) => IapError;
  /** Where the message is, for error messages: `record orders[0]@41`. */
  readonly describe: (source: S) => string;
  /** Value-free details of where the message is, for error details. */
  readonly details: (source: S) => Readonly<Record<string, unknown>>;
  /** True once the consumer closes: no further attempt is started. */
  readonly isStopping: () => boolean;
  /** An error that consumption survives (the store failed, a bug in the pipeline): log and report it. */
  readonly onError: (error: IapError) => void;
}

/**
 * What the pipeline reports as it goes, for events and metrics; every hook is optional and called
 * synchronously. Hooks that would build an event object should check first whether anyone listens.
 *
 * @example
 * ```ts
 * const hooks: ConsumeHooks<QueueDelivery> = { handled: (d, durationMs) => metrics.histogram('handled', durationMs) };
 * ```
 */
export interface ConsumeHooks<D> {
  /** The handler succeeded on in-process attempt `attempt`, taking `durationMs`. */
  readonly handled?: (delivery: D, durationMs: number, attempt: number) => void;
  /** The idempotency store has seen the key already: the handler did not run. */
  readonly duplicate?: (delivery: D, key: string) => void;
  /** A handler attempt ended (success or failure) after `durationMs`. */
  readonly handlerDuration?: (delivery: D, durationMs: number) => void;
  /** A retryable failure: the handler runs again after `delayMs`. */
  readonly retrying?: (delivery: D, attempt: number, delayMs: number, error: IapError) => void;
}
