/**
 * An in-memory AMQP transport for unit tests (a fake, named as such): it records what is published
 * and lets the test decide each message's fate — ack, nack, return, or a closed connection.
 */
import type { AmqpChannel, AmqpConfirmChannel, AmqpConnection, AmqpMessageProperties, AmqpReturnedMessage, AmqpTransport } from '../transport.js';

export interface FakePublish {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Uint8Array;
  readonly properties: AmqpMessageProperties;
  readonly mandatory: boolean;
  readonly confirm: (acked: boolean) => void;
}

export interface FakeConnection {
  readonly published: FakePublish[];
  closed: boolean;
  /** Returns publish `index` as unroutable (basic.return), as the broker does before its ack. */
  returnMessage(index: number): void;
  /** The broker drops the connection. */
  drop(error?: unknown): void;
}

export interface FakeTransport extends AmqpTransport {
  readonly connections: FakeConnection[];
  /** Exchanges that exist (checkExchange fails with 404 for others; '' always exists). */
  readonly exchanges: Set<string>;
  /** When set, `connect()` rejects with it. */
  failConnect: Error | undefined;
  /** Acks every publish at once (for tests that do not drive confirms). */
  autoAck: boolean;
}

export function createFakeTransport(exchanges: readonly string[] = []): FakeTransport {
  const transport: FakeTransport = {
    connections: [],
    exchanges: new Set(exchanges),
    failConnect: undefined,
    autoAck: false,
    connect() {
      if (transport.failConnect !== undefined) return Promise.reject(transport.failConnect);
      const closeListeners: Array<(error: unknown) => void> = [];
      const channelCloseListeners: Array<(error: unknown) => void> = [];
      const returnListeners: Array<(returned: AmqpReturnedMessage) => void> = [];
      const published: FakePublish[] = [];
      const fake: FakeConnection = {
        published,
        closed: false,
        returnMessage(index) {
          const p = published[index]!;
          for (const l of returnListeners) l({ exchange: p.exchange, routingKey: p.routingKey, replyCode: 312, replyText: 'NO_ROUTE', properties: p.properties });
        },
        drop(error = new Error('Socket closed abruptly')) {
          if (fake.closed) return;
          fake.closed = true;
          for (const l of channelCloseListeners) l(error);
          for (const l of closeListeners) l(error);
        },
      };
      transport.connections.push(fake);
      const side: AmqpChannel = {
        assertExchange: () => Promise.resolve(),
        assertQueue: () => Promise.resolve(),
        bindQueue: () => Promise.resolve(),
        checkExchange: (name) => (transport.exchanges.has(name) ? Promise.resolve() : Promise.reject(Object.assign(new Error(`NOT_FOUND - no exchange '${name}'`), { code: 404 }))),
        onClose: () => undefined,
        close: () => Promise.resolve(),
      };
      const confirm: AmqpConfirmChannel = {
        publish(exchange, routingKey, content, properties, mandatory, onConfirm) {
          published.push({ exchange, routingKey, content, properties, mandatory, confirm: onConfirm });
          if (transport.autoAck) queueMicrotask(() => onConfirm(true));
          return true;
        },
        waitForDrain: () => Promise.resolve(),
        onReturn: (listener) => void returnListeners.push(listener),
        onClose: (listener) => void channelCloseListeners.push(listener),
        close: () => Promise.resolve(),
      };
      const connection: AmqpConnection = {
        createConfirmChannel: () => Promise.resolve(confirm),
        createChannel: () => Promise.resolve(side),
        onClose: (listener) => void closeListeners.push(listener),
        close: () => {
          fake.drop(undefined);
          return Promise.resolve();
        },
      };
      return Promise.resolve(connection);
    },
  };
  return transport;
}
