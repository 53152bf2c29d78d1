import { IapError } from '@iap/core';
import { RabbitMqErrorCode } from './rabbitmq-error-codes.js';

type Details = Readonly<Record<string, string | number | boolean | undefined>>;

function defined(details: Details): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(details)) if (value !== undefined) out[key] = value;
  return out;
}

/** `exchange "x" with routing key "k"`, the default exchange named as such. */
export function describeRoute(exchange: string, routingKey: string): string {
  return `${exchange === '' ? 'the default exchange' : `exchange "${exchange}"`} with routing key "${routingKey}"`;
}

/**
 * The broker returned a `mandatory` message (basic.return, usually 312 NO_ROUTE): no queue is bound
 * for its exchange and routing key, so the message is stored nowhere. Retryable: the topology is
 * missing (a queue not declared yet, a binding removed), which is not the message's fault, so the
 * relay keeps it and retries instead of dead-lettering it.
 *
 * @example
 * ```ts
 * import { RabbitMqUnroutableError } from '@iap/rabbitmq';
 *
 * const where = (error: unknown): string | undefined => (RabbitMqUnroutableError.isInstance(error) ? `${error.exchange} ${error.routingKey}` : undefined);
 * ```
 */
export class RabbitMqUnroutableError extends IapError<typeof RabbitMqErrorCode.RABBITMQ_UNROUTABLE> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqUnroutableError';
  /** The exchange the message was published to (`''` is the default exchange). */
  readonly exchange: string;
  /** The routing key no binding matched. */
  readonly routingKey: string;
  /** The broker's reply code (312 NO_ROUTE). */
  readonly replyCode: number;

  constructor(exchange: string, routingKey: string, replyCode: number, replyText: string) {
    super(RabbitMqErrorCode.RABBITMQ_UNROUTABLE, `RabbitMQ returned the message as unroutable (${replyCode} ${replyText}): no queue is bound to ${describeRoute(exchange, routingKey)}; declare the queue and binding (ensureTopology) and the relay's retry will deliver it`, {
      retryable: true,
      details: { exchange, routingKey, replyCode, replyText },
    });
    this.name = 'RabbitMqUnroutableError';
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.replyCode = replyCode;
  }
}

/**
 * The exchange a message was published to does not exist (404 NOT_FOUND on `checkExchange`).
 * Retryable, for the same reason as {@link RabbitMqUnroutableError}.
 *
 * @example
 * ```ts
 * import { RabbitMqExchangeNotFoundError } from '@iap/rabbitmq';
 *
 * const missing = (error: unknown): string | undefined => (RabbitMqExchangeNotFoundError.isInstance(error) ? error.exchange : undefined);
 * ```
 */
export class RabbitMqExchangeNotFoundError extends IapError<typeof RabbitMqErrorCode.RABBITMQ_EXCHANGE_NOT_FOUND> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqExchangeNotFoundError';
  /** The missing exchange. */
  readonly exchange: string;

  constructor(exchange: string, cause?: unknown) {
    super(RabbitMqErrorCode.RABBITMQ_EXCHANGE_NOT_FOUND, `RabbitMQ exchange "${exchange}" does not exist; declare it (ensureTopology) and the relay's retry will deliver the message`, {
      retryable: true,
      cause,
      details: { exchange },
    });
    this.name = 'RabbitMqExchangeNotFoundError';
    this.exchange = exchange;
  }
}

/**
 * The broker negatively acknowledged a message (basic.nack): an internal error of the queue, or a
 * full queue with `overflow: reject-publish`. Retryable.
 *
 * @example
 * ```ts
 * import { RabbitMqNackError } from '@iap/rabbitmq';
 *
 * const nacked = (error: unknown): boolean => RabbitMqNackError.isInstance(error);
 * ```
 */
export class RabbitMqNackError extends IapError<typeof RabbitMqErrorCode.RABBITMQ_NACKED> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqNackError';
  readonly exchange: string;
  readonly routingKey: string;

  constructor(exchange: string, routingKey: string) {
    super(RabbitMqErrorCode.RABBITMQ_NACKED, `RabbitMQ refused the message published to ${describeRoute(exchange, routingKey)} (basic.nack: a queue is full with reject-publish, or failed); it is retried`, {
      retryable: true,
      details: { exchange, routingKey },
    });
    this.name = 'RabbitMqNackError';
    this.exchange = exchange;
    this.routingKey = routingKey;
  }
}

/**
 * The connection or channel to RabbitMQ could not be opened, or it closed (broker restart, dropped
 * network, channel error) while the message was not confirmed yet. Retryable: the next publish opens
 * a new connection. A message reported with this error may still have been stored by the broker.
 *
 * @example
 * ```ts
 * import { RabbitMqConnectionError } from '@iap/rabbitmq';
 *
 * const lost = (error: unknown): boolean => RabbitMqConnectionError.isInstance(error) && error.phase === 'in-flight';
 * ```
 */
export class RabbitMqConnectionError extends IapError<typeof RabbitMqErrorCode.RABBITMQ_CONNECTION> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqConnectionError';
  /** `connect`: opening failed; `in-flight`: it closed with the message unconfirmed. */
  readonly phase: 'connect' | 'in-flight';

  constructor(phase: 'connect' | 'in-flight', message: string, cause?: unknown) {
    super(RabbitMqErrorCode.RABBITMQ_CONNECTION, message, { retryable: true, cause, details: { phase } });
    this.name = 'RabbitMqConnectionError';
    this.phase = phase;
  }
}

/**
 * No publisher confirm arrived within `confirmTimeoutMs` (a black-holed network, a blocked broker).
 * Retryable; the publisher discards the connection so the next publish opens a new one.
 *
 * @example
 * ```ts
 * import { RabbitMqConfirmTimeoutError } from '@iap/rabbitmq';
 *
 * const slow = (error: unknown): number | undefined => (RabbitMqConfirmTimeoutError.isInstance(error) ? error.timeoutMs : undefined);
 * ```
 */
export class RabbitMqConfirmTimeoutError extends IapError<typeof RabbitMqErrorCode.RABBITMQ_CONFIRM_TIMEOUT> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqConfirmTimeoutError';
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(RabbitMqErrorCode.RABBITMQ_CONFIRM_TIMEOUT, `no publisher confirm from RabbitMQ within confirmTimeoutMs (${timeoutMs} ms); the connection is discarded and the message retried`, {
      retryable: true,
      details: { timeoutMs },
    });
    this.name = 'RabbitMqConfirmTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * An envelope cannot be encoded as an AMQP message: its data holds a cycle or a value JSON cannot
 * represent. Not retryable (the message's own fault).
 *
 * @example
 * ```ts
 * import { RabbitMqEncodeError } from '@iap/rabbitmq';
 *
 * const bad = (error: unknown): string | undefined => (RabbitMqEncodeError.isInstance(error) ? error.envelopeId : undefined);
 * ```
 */
export class RabbitMqEncodeError extends IapError<typeof RabbitMqErrorCode.RABBITMQ_ENCODE> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqEncodeError';
  readonly envelopeId: string;

  constructor(envelopeId: string, problem: string, cause?: unknown) {
    super(RabbitMqErrorCode.RABBITMQ_ENCODE, `envelope ${envelopeId} cannot be encoded as an AMQP message: ${problem}`, { cause, details: { envelopeId } });
    this.name = 'RabbitMqEncodeError';
    this.envelopeId = envelopeId;
  }
}

/**
 * Declaring an exchange, queue or binding failed: most often it already exists with other
 * arguments (406 PRECONDITION_FAILED, e.g. a classic queue where a quorum queue is asked for).
 * `entity` names it; `replyCode` is the broker's code when it gave one.
 *
 * @example
 * ```ts
 * import { RabbitMqTopologyError } from '@iap/rabbitmq';
 *
 * const conflict = (error: unknown): string | undefined => (RabbitMqTopologyError.isInstance(error) ? error.entity : undefined);
 * ```
 */
export class RabbitMqTopologyError extends IapError<typeof RabbitMqErrorCode.RABBITMQ_TOPOLOGY> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqTopologyError';
  /** What was being declared, e.g. `queue "orders"`. */
  readonly entity: string;
  readonly replyCode: number | undefined;

  constructor(entity: string, problem: string, options: { cause?: unknown; replyCode?: number | undefined; retryable?: boolean } = {}) {
    super(RabbitMqErrorCode.RABBITMQ_TOPOLOGY, `declaring ${entity} failed: ${problem}`, {
      retryable: options.retryable ?? false,
      cause: options.cause,
      details: defined({ entity, replyCode: options.replyCode }),
    });
    this.name = 'RabbitMqTopologyError';
    this.entity = entity;
    this.replyCode = options.replyCode;
  }
}

/**
 * An AMQP message is not a valid CloudEvent (code `MESSAGE_DECODE`, as core's): a missing or
 * invalid `cloudEvents:*` header, a body that is not the JSON its content type says. `property`
 * names the header or property; the message never holds a value.
 *
 * @example
 * ```ts
 * import { RabbitMqDecodeError } from '@iap/rabbitmq';
 *
 * const where = (error: unknown): string | undefined => (RabbitMqDecodeError.isInstance(error) ? error.property : undefined);
 * ```
 */
export class RabbitMqDecodeError extends IapError<typeof RabbitMqErrorCode.MESSAGE_DECODE> {
  static override readonly errorBrand = 'iap.rabbitmq.RabbitMqDecodeError';
  /** The header or property at fault, when one is. */
  readonly property: string | undefined;

  constructor(problem: string, details: Details & { readonly property?: string | undefined } = {}, cause?: unknown) {
    super(RabbitMqErrorCode.MESSAGE_DECODE, `AMQP message cannot be decoded as a CloudEvent: ${problem}`, { cause, details: defined(details) });
    this.name = 'RabbitMqDecodeError';
    this.property = details.property;
  }
}
