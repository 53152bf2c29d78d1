/**
 * The boundary between @iap/rabbitmq and an AMQP 0-9-1 client library. Everything in this package
 * talks to RabbitMQ only through these interfaces; `createAmqplibTransport` (from
 * `@iap/rabbitmq/amqplib`) implements them on amqplib. Methods that talk to the broker reject with
 * the client's error; a broker reply code, when there is one, is its numeric `code` (404, 406, ...).
 *
 * @example
 * ```ts
 * import { createAmqplibTransport } from '@iap/rabbitmq/amqplib';
 * import type { AmqpTransport } from '@iap/rabbitmq';
 *
 * const transport: AmqpTransport = createAmqplibTransport({ url: 'amqp://guest:guest@127.0.0.1:5672' });
 * ```
 */
export interface AmqpTransport {
  /** Opens a new connection. */
  connect(): Promise<AmqpConnection>;
}

/**
 * A value of an AMQP 0-9-1 field table (message headers, declaration arguments), in the shape
 * amqplib uses: plain values, or `{ '!': type, value }` for an explicit type (`'long'`,
 * `'timestamp'` in seconds, ...), which is also how amqplib decodes timestamps and decimals.
 */
export type AmqpFieldValue = string | number | boolean | bigint | null | undefined | Uint8Array | Date | { readonly '!': string; readonly value: unknown } | readonly AmqpFieldValue[] | { readonly [name: string]: AmqpFieldValue };

/**
 * The basic properties of an AMQP 0-9-1 message this package writes and reads.
 *
 * @example
 * ```ts
 * const properties: AmqpMessageProperties = { contentType: 'application/json', messageId: 'e-1', deliveryMode: 2, headers: {} };
 * ```
 */
export interface AmqpMessageProperties {
  readonly contentType?: string | undefined;
  readonly contentEncoding?: string | undefined;
  readonly headers?: Readonly<Record<string, AmqpFieldValue>> | undefined;
  /** `2` is persistent. */
  readonly deliveryMode?: number | undefined;
  readonly messageId?: string | undefined;
  readonly correlationId?: string | undefined;
  /** Seconds since the epoch. */
  readonly timestamp?: number | undefined;
  readonly type?: string | undefined;
  readonly appId?: string | undefined;
}

/**
 * A message the broker returned (basic.return) because it was `mandatory` and no queue was bound.
 *
 * @example
 * ```ts
 * channel.onReturn((returned: AmqpReturnedMessage) => console.warn(returned.replyCode, returned.exchange, returned.routingKey));
 * ```
 */
export interface AmqpReturnedMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly replyCode: number;
  readonly replyText: string;
  readonly properties: AmqpMessageProperties;
}

/**
 * An open connection.
 *
 * @example
 * ```ts
 * const connection = await transport.connect();
 * connection.onClose((error) => console.warn('connection closed', error));
 * await connection.close();
 * ```
 */
export interface AmqpConnection {
  /** Opens a channel in confirm mode (every publish is acked or nacked by the broker). */
  createConfirmChannel(): Promise<AmqpConfirmChannel>;
  /** Opens a plain channel (declarations, checks). */
  createChannel(): Promise<AmqpChannel>;
  /** Called once when the connection closes, with the reason (undefined for a clean close). */
  onClose(listener: (error: unknown) => void): void;
  /** Closes the connection; resolves within a bounded time even when the network is gone (the socket is then destroyed). */
  close(): Promise<void>;
}

/**
 * Declarations on a channel. A failed declaration closes the channel (AMQP channel exception).
 *
 * @example
 * ```ts
 * const channel = await connection.createChannel();
 * await channel.assertExchange('orders', 'topic', { durable: true });
 * ```
 */
export interface AmqpChannel {
  assertExchange(name: string, type: string, options: { readonly durable: boolean; readonly arguments?: Readonly<Record<string, AmqpFieldValue>> }): Promise<void>;
  assertQueue(name: string, options: { readonly durable: boolean; readonly arguments?: Readonly<Record<string, AmqpFieldValue>> }): Promise<void>;
  bindQueue(queue: string, exchange: string, routingKey: string): Promise<void>;
  /** Rejects with code 404 (and closes the channel) when the exchange does not exist. */
  checkExchange(name: string): Promise<void>;
  /** Called once when the channel closes, with the reason (undefined for a clean close). */
  onClose(listener: (error: unknown) => void): void;
  close(): Promise<void>;
}

/**
 * A channel in confirm mode, as the publisher uses it.
 *
 * @example
 * ```ts
 * const ok = channel.publish('orders', 'order.placed', body, { deliveryMode: 2 }, true, (acked) => console.log(acked));
 * if (!ok) await channel.waitForDrain();
 * ```
 */
export interface AmqpConfirmChannel {
  /**
   * Publishes one message; `onConfirm(true)` on basic.ack, `onConfirm(false)` on basic.nack. A
   * `mandatory` message that no queue takes is first returned (see {@link onReturn}), then acked.
   * Returns false when the client's write buffer is full: wait for {@link waitForDrain} before more.
   */
  publish(exchange: string, routingKey: string, content: Uint8Array, properties: AmqpMessageProperties, mandatory: boolean, onConfirm: (acked: boolean) => void): boolean;
  /** Resolves once the write buffer has drained (or the channel closed). */
  waitForDrain(): Promise<void>;
  /** Subscribes to returned messages. */
  onReturn(listener: (returned: AmqpReturnedMessage) => void): void;
  /** Called once when the channel closes, with the reason (undefined for a clean close). */
  onClose(listener: (error: unknown) => void): void;
  close(): Promise<void>;
}
