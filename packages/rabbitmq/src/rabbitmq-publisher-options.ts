import { ErrorCode, IapError, noopLogger, noopTelemetry, rejectUnknownOptions, systemClock, type Clock, type Logger, type PublishMessage, type Telemetry } from '@iap/core';
import type { AmqpContentMode } from './amqp-message.js';
import type { AmqpTransport } from './transport.js';

/**
 * Where a message goes: the exchange and the routing key.
 *
 * @example
 * ```ts
 * import type { AmqpRoute } from '@iap/rabbitmq';
 *
 * const route: AmqpRoute = { exchange: 'orders', routingKey: 'order.placed' };
 * ```
 */
export interface AmqpRoute {
  readonly exchange: string;
  readonly routingKey: string;
}

/**
 * Options for {@link createRabbitMqPublisher}.
 *
 * @example
 * ```ts
 * import { createRabbitMqPublisher, type RabbitMqPublisherOptions } from '@iap/rabbitmq';
 * import { createAmqplibTransport } from '@iap/rabbitmq/amqplib';
 *
 * const options: RabbitMqPublisherOptions = { transport: createAmqplibTransport({ url: 'amqp://127.0.0.1' }), confirmTimeoutMs: 10_000 };
 * const publisher = createRabbitMqPublisher(options);
 * ```
 */
export interface RabbitMqPublisherOptions {
  /** The AMQP client boundary, e.g. `createAmqplibTransport({ url })` from `@iap/rabbitmq/amqplib`. */
  readonly transport: AmqpTransport;
  /**
   * Maps a message to its exchange and routing key.
   * @defaultValue the message's `destination` as the exchange, the envelope's `type` as the routing key
   */
  readonly route?: (message: PublishMessage) => AmqpRoute;
  /** CloudEvents AMQP binding content mode. @defaultValue `'binary'` */
  readonly mode?: AmqpContentMode;
  /**
   * Longest wait, per `publish` call, for the broker's confirms once the call's messages are
   * written; those still unconfirmed then fail (retryable) and the connection is discarded, so a
   * black-holed network costs one timeout, not a hang.
   * @defaultValue `30_000`
   */
  readonly confirmTimeoutMs?: number;
  /** @defaultValue `systemClock` */
  readonly clock?: Clock;
  /** Counters `iap.rabbitmq.publisher.published` / `.failed`, histogram `iap.rabbitmq.publisher.confirm.duration_ms`. @defaultValue `noopTelemetry` */
  readonly telemetry?: Telemetry;
  /** @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

/** Publisher options with every default resolved (one place). */
export interface ResolvedRabbitMqPublisherOptions {
  readonly transport: AmqpTransport;
  readonly route: (message: PublishMessage) => AmqpRoute;
  readonly mode: AmqpContentMode;
  readonly confirmTimeoutMs: number;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly logger: Logger;
}

const OPTION_NAMES = ['transport', 'route', 'mode', 'confirmTimeoutMs', 'clock', 'telemetry', 'logger'] as const;

/** The default route: exchange = destination, routing key = event type. */
export function defaultRoute(message: PublishMessage): AmqpRoute {
  return { exchange: message.destination, routingKey: message.envelope.type };
}

/** Validates publisher options and resolves every default. @throws IapError `INVALID_OPTIONS`. */
export function resolveRabbitMqPublisherOptions(options: RabbitMqPublisherOptions): ResolvedRabbitMqPublisherOptions {
  const invalid = (message: string) => new IapError(ErrorCode.INVALID_OPTIONS, `createRabbitMqPublisher: ${message}`);
  if (typeof options !== 'object' || options === null || typeof options.transport?.connect !== 'function') {
    throw invalid('transport is required (e.g. createAmqplibTransport({ url }) from @iap/rabbitmq/amqplib)');
  }
  rejectUnknownOptions(options, OPTION_NAMES, 'createRabbitMqPublisher');
  const mode = options.mode ?? 'binary';
  if (mode !== 'binary' && mode !== 'structured') throw invalid('mode must be "binary" or "structured"');
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 30_000;
  if (!Number.isInteger(confirmTimeoutMs) || confirmTimeoutMs <= 0) throw invalid('confirmTimeoutMs must be a positive integer');
  if (options.route !== undefined && typeof options.route !== 'function') throw invalid('route must be a function (message) => { exchange, routingKey }');
  return {
    transport: options.transport,
    route: options.route ?? defaultRoute,
    mode,
    confirmTimeoutMs,
    clock: options.clock ?? systemClock,
    telemetry: options.telemetry ?? noopTelemetry,
    logger: options.logger ?? noopLogger,
  };
}
