import { ErrorCode, IapError, rejectUnknownOptions } from '@iap/core';
import { describeClientError, replyCodeOf } from './internal/describe-error.js';
import { RabbitMqConnectionError, RabbitMqTopologyError } from './rabbitmq-errors.js';
import { planTopology, type ExchangeSpec, type QueueSpec, type TopologyStep } from './topology-plan.js';
import type { AmqpChannel, AmqpConnection, AmqpTransport } from './transport.js';

/**
 * Options for {@link ensureTopology}.
 *
 * @example
 * ```ts
 * import type { EnsureTopologyOptions } from '@iap/rabbitmq';
 * import { createAmqplibTransport } from '@iap/rabbitmq/amqplib';
 *
 * const options: EnsureTopologyOptions = { transport: createAmqplibTransport({ url: 'amqp://127.0.0.1' }), exchanges: [{ name: 'orders' }], queues: [] };
 * ```
 */
export interface EnsureTopologyOptions {
  readonly transport: AmqpTransport;
  /** @defaultValue `[]` */
  readonly exchanges?: readonly ExchangeSpec[];
  /** @defaultValue `[]` */
  readonly queues?: readonly QueueSpec[];
}

/**
 * What {@link ensureTopology} declared (every name, created or already there).
 *
 * @example
 * ```ts
 * import type { TopologyResult } from '@iap/rabbitmq';
 *
 * const print = (result: TopologyResult) => console.log(result.queues.join(', '));
 * ```
 */
export interface TopologyResult {
  readonly exchanges: readonly string[];
  readonly queues: readonly string[];
  readonly bindings: number;
}

function entityOf(step: TopologyStep): string {
  return step.kind === 'binding' ? `binding of queue "${step.queue}" to exchange "${step.exchange}" with routing key "${step.routingKey}"` : `${step.kind} "${step.name}"`;
}

async function declare(channel: AmqpChannel, step: TopologyStep): Promise<void> {
  if (step.kind === 'exchange') await channel.assertExchange(step.name, step.type, { durable: true, arguments: step.arguments });
  else if (step.kind === 'queue') await channel.assertQueue(step.name, { durable: true, arguments: step.arguments });
  else await channel.bindQueue(step.queue, step.exchange, step.routingKey);
}

/**
 * Declares durable exchanges and queues, idempotently: quorum work queues (at-least-once
 * dead-lettering), a dead-letter exchange and queue per work queue (`<name>.dlx`, `<name>.dlq`),
 * retry queues with a TTL that dead-letter back to the work queue (`<name>.retry.<n>`), and the
 * bindings. Declaring what exists with the same arguments changes nothing; an entity that exists
 * with other arguments is an error (RabbitMQ never changes a queue's arguments in place).
 *
 * @throws IapError `INVALID_OPTIONS` for invalid specs; RabbitMqTopologyError naming the exchange,
 *   queue or binding that failed (406 PRECONDITION_FAILED: it exists with other arguments; 404: the
 *   exchange of a binding is missing); RabbitMqConnectionError when RabbitMQ cannot be reached.
 * @example
 * ```ts
 * import { ensureTopology } from '@iap/rabbitmq';
 * import { createAmqplibTransport } from '@iap/rabbitmq/amqplib';
 *
 * await ensureTopology({
 *   transport: createAmqplibTransport({ url: 'amqp://127.0.0.1' }),
 *   exchanges: [{ name: 'orders', type: 'topic' }],
 *   queues: [{ name: 'billing', bindings: [{ exchange: 'orders', routingKey: 'order.*' }], retryDelaysMs: [1_000, 30_000] }],
 * });
 * ```
 */
export async function ensureTopology(options: EnsureTopologyOptions): Promise<TopologyResult> {
  if (typeof options !== 'object' || options === null || typeof options.transport?.connect !== 'function') {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'ensureTopology: transport is required (e.g. createAmqplibTransport({ url }) from @iap/rabbitmq/amqplib)');
  }
  rejectUnknownOptions(options, ['transport', 'exchanges', 'queues'], 'ensureTopology');
  const steps = planTopology(options.exchanges ?? [], options.queues ?? []);
  let connection: AmqpConnection;
  let channel: AmqpChannel;
  try {
    connection = await options.transport.connect();
  } catch (error) {
    throw new RabbitMqConnectionError('connect', `ensureTopology could not connect to RabbitMQ (${describeClientError(error)})`, error);
  }
  try {
    channel = await connection.createChannel();
    for (const step of steps) {
      try {
        await declare(channel, step);
      } catch (error) {
        const replyCode = replyCodeOf(error);
        const hint = replyCode === 406 ? 'it exists with other arguments or type; delete it or declare it as it is' : replyCode === 404 ? 'what it refers to does not exist' : describeClientError(error);
        throw new RabbitMqTopologyError(entityOf(step), `${hint} (${describeClientError(error)})`, { cause: error, replyCode, retryable: replyCode === undefined });
      }
    }
    await channel.close();
  } catch (error) {
    if (RabbitMqTopologyError.isInstance(error)) throw error;
    throw new RabbitMqConnectionError('in-flight', `ensureTopology lost its RabbitMQ connection (${describeClientError(error)})`, error);
  } finally {
    await connection.close().catch(() => undefined);
  }
  return {
    exchanges: steps.flatMap((s) => (s.kind === 'exchange' ? [s.name] : [])),
    queues: steps.flatMap((s) => (s.kind === 'queue' ? [s.name] : [])),
    bindings: steps.filter((s) => s.kind === 'binding').length,
  };
}
