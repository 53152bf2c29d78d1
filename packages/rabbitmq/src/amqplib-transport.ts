import { connect, type Channel, type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import type { AmqpChannel, AmqpConfirmChannel, AmqpConnection, AmqpMessageProperties, AmqpTransport } from './transport.js';

/**
 * Options for {@link createAmqplibTransport}.
 *
 * @example
 * ```ts
 * import type { AmqplibTransportOptions } from '@iap/rabbitmq/amqplib';
 *
 * const options: AmqplibTransportOptions = { url: 'amqp://guest:guest@127.0.0.1:5672', clientName: 'orders-relay' };
 * ```
 */
export interface AmqplibTransportOptions {
  /** `amqp://user:password@host:port/vhost` (credentials never appear in our errors or logs). */
  readonly url: string;
  /** Connection name shown in the RabbitMQ management UI. */
  readonly clientName?: string;
  /** Heartbeat in seconds, negotiated with the broker. @defaultValue `15` */
  readonly heartbeatSeconds?: number;
  /** Socket connect timeout in milliseconds. @defaultValue `10_000` */
  readonly connectTimeoutMs?: number;
  /** Longest wait for a graceful `close()` before the socket is destroyed. @defaultValue `2_000` */
  readonly closeTimeoutMs?: number;
}

/**
 * The {@link AmqpTransport} on amqplib (0.10, 1.x, 2.x): each `connect()` opens a new amqplib
 * connection. Errors are amqplib's (broker reply codes on `code`); every `error` event is handled
 * (amqplib would otherwise throw it), and `close()` is bounded: when the network is gone the socket
 * is destroyed after `closeTimeoutMs`.
 *
 * @example
 * ```ts
 * import { createRabbitMqPublisher } from '@iap/rabbitmq';
 * import { createAmqplibTransport } from '@iap/rabbitmq/amqplib';
 *
 * const publisher = createRabbitMqPublisher({ transport: createAmqplibTransport({ url: process.env.AMQP_URL ?? 'amqp://127.0.0.1' }) });
 * ```
 */
export function createAmqplibTransport(options: AmqplibTransportOptions): AmqpTransport {
  const heartbeat = options.heartbeatSeconds ?? 15;
  const closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
  return {
    async connect(): Promise<AmqpConnection> {
      const url = new URL(options.url);
      if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(heartbeat));
      const socketOptions: Record<string, unknown> = { timeout: options.connectTimeoutMs ?? 10_000, noDelay: true };
      if (options.clientName !== undefined) socketOptions.clientProperties = { connection_name: options.clientName };
      const model = await connect(url.toString(), socketOptions);
      return wrapConnection(model, closeTimeoutMs);
    },
  };
}

/** Calls `listener` once with the last `error` seen before `close`. */
function onceClosed(emitter: { on(event: string, listener: (...args: never[]) => void): unknown }, listener: (error: unknown) => void): void {
  let lastError: unknown;
  let fired = false;
  emitter.on('error', (error: unknown) => (lastError = error));
  emitter.on('close', (error?: unknown) => {
    if (fired) return;
    fired = true;
    listener(error ?? lastError);
  });
}

function wrapConnection(model: ChannelModel, closeTimeoutMs: number): AmqpConnection {
  model.on('error', () => undefined); // reported through 'close'
  let closed = false;
  model.on('close', () => {
    closed = true;
    closedModels.add(model);
  });
  return {
    async createConfirmChannel() {
      return wrapConfirmChannel(await model.createConfirmChannel());
    },
    async createChannel() {
      return wrapChannel(await model.createChannel());
    },
    onClose: (listener) => onceClosed(model, listener),
    async close() {
      if (closed) return;
      let timer: NodeJS.Timeout | undefined;
      const bounded = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          destroySocket(model, new Error(`no close-ok from RabbitMQ within closeTimeoutMs (${closeTimeoutMs} ms)`));
          resolve();
        }, closeTimeoutMs);
        timer.unref();
      });
      try {
        await Promise.race([model.close().catch((error: unknown) => destroySocket(model, error)), bounded]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Destroys the connection's socket (amqplib keeps it as `connection.stream`) and closes amqplib's
 * connection state (its `toClosed`): once a close is under way amqplib ignores socket errors, so
 * without it channels' pending operations would wait for the socket's end forever.
 */
function destroySocket(model: ChannelModel, reason: unknown): void {
  const connection = model.connection as unknown as { stream?: { destroy?: (error?: Error) => void }; toClosed?: (stack: string | undefined, error: unknown) => void };
  const error = reason instanceof Error ? reason : new Error('connection destroyed');
  connection.stream?.destroy?.(error);
  if (!closedModels.has(model)) connection.toClosed?.(error.stack, error);
}

const closedModels = new WeakSet<ChannelModel>();

function wrapChannel(channel: Channel): AmqpChannel {
  channel.on('error', () => undefined);
  return {
    async assertExchange(name, type, options) {
      await channel.assertExchange(name, type, { durable: options.durable, ...(options.arguments === undefined ? {} : { arguments: options.arguments }) });
    },
    async assertQueue(name, options) {
      await channel.assertQueue(name, { durable: options.durable, ...(options.arguments === undefined ? {} : { arguments: options.arguments }) });
    },
    async bindQueue(queue, exchange, routingKey) {
      await channel.bindQueue(queue, exchange, routingKey);
    },
    async checkExchange(name) {
      await channel.checkExchange(name);
    },
    onClose: (listener) => onceClosed(channel, listener),
    close: () => channel.close().catch(() => undefined),
  };
}

function toPublishOptions(properties: AmqpMessageProperties, mandatory: boolean): Options.Publish {
  // amqplib skips properties that are undefined
  return { ...(properties as Options.Publish), mandatory };
}

function wrapConfirmChannel(channel: ConfirmChannel): AmqpConfirmChannel {
  channel.on('error', () => undefined);
  let closed = false;
  channel.on('close', () => {
    closed = true;
    channel.emit('drain'); // release a writer waiting for drain
  });
  return {
    publish(exchange, routingKey, content, properties, mandatory, onConfirm) {
      const body = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
      return channel.publish(exchange, routingKey, body, toPublishOptions(properties, mandatory), (error: unknown) => onConfirm(error === null || error === undefined));
    },
    waitForDrain: () => (closed ? Promise.resolve() : new Promise<void>((resolve) => channel.once('drain', () => resolve()))),
    onReturn(listener) {
      channel.on('return', (message: { fields: { exchange: string; routingKey: string; replyCode: number; replyText: string }; properties: AmqpMessageProperties }) =>
        listener({ exchange: message.fields.exchange, routingKey: message.fields.routingKey, replyCode: message.fields.replyCode, replyText: message.fields.replyText, properties: message.properties }),
      );
    },
    onClose: (listener) => onceClosed(channel, listener),
    close: () => channel.close().catch(() => undefined),
  };
}
