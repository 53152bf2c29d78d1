import type { IapError } from '@iap/core';
import { RabbitMqConnectionError, RabbitMqExchangeNotFoundError, RabbitMqNackError, RabbitMqUnroutableError } from '../rabbitmq-errors.js';
import type { AmqpChannel, AmqpConfirmChannel, AmqpConnection, AmqpMessageProperties, AmqpTransport } from '../transport.js';
import { describeClientError, replyCodeOf } from './describe-error.js';

/** One published message waiting for its confirm. `settle` is idempotent (the caller's). */
export interface PendingConfirm {
  readonly messageId: string | undefined;
  readonly exchange: string;
  readonly routingKey: string;
  /** Set when the broker returned the message (mandatory, no route); its ack follows. */
  returned?: { readonly replyCode: number; readonly replyText: string };
  /** `undefined` for confirmed; an error otherwise. */
  readonly settle: (error: IapError | undefined) => void;
}

/**
 * One connection and its confirm channel, with the messages it has not had confirmed yet. When the
 * connection or the channel closes for any reason, every pending message is settled with a
 * retryable connection error and the session is dead: the publisher opens a new one.
 */
export interface ConfirmSession {
  isAlive(): boolean;
  /** Exchanges this session has checked exist. */
  readonly knownExchanges: Set<string>;
  /** Checks an exchange exists (on a side channel, as a 404 closes the channel); the error when not. */
  checkExchange(name: string): Promise<IapError | undefined>;
  /** Publishes one mandatory message; false when the write buffer is full (see `waitForDrain`). */
  publish(entry: PendingConfirm, content: Uint8Array, properties: AmqpMessageProperties): boolean;
  waitForDrain(): Promise<void>;
  /** Number of messages waiting for confirms. */
  pendingCount(): number;
  /** Ends the session: pending messages fail with a connection error naming `reason`; the connection is closed in the background. */
  discard(reason: string): void;
  /** Closes the connection (bounded by the transport). */
  close(): Promise<void>;
}

/** Opens a connection and a confirm channel. Rejects with the client's error. */
export async function openConfirmSession(transport: AmqpTransport, onEnd: (error: IapError, pending: number) => void): Promise<ConfirmSession> {
  const connection = await transport.connect();
  let channel: AmqpConfirmChannel;
  try {
    channel = await connection.createConfirmChannel();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
  return createSession(connection, channel, onEnd);
}

function createSession(connection: AmqpConnection, channel: AmqpConfirmChannel, onEnd: (error: IapError, pending: number) => void): ConfirmSession {
  const pending = new Map<number, PendingConfirm>();
  let sequence = 0;
  let alive = true;
  let sideChannel: Promise<AmqpChannel> | undefined;

  const end = (error: IapError): void => {
    if (!alive) return;
    alive = false;
    const count = pending.size;
    const entries = [...pending.values()];
    pending.clear();
    for (const entry of entries) entry.settle(error);
    onEnd(error, count);
    void connection.close().catch(() => undefined);
  };
  const lost = (what: string) => (reason: unknown) =>
    end(new RabbitMqConnectionError('in-flight', `the RabbitMQ ${what} closed (${describeClientError(reason)}) before the broker confirmed the message; it is retried`, reason));
  connection.onClose(lost('connection'));
  channel.onClose(lost('channel'));
  channel.onReturn((returned) => {
    // returns come before the ack of the same message, in publish order: the oldest match is it
    for (const entry of pending.values()) {
      if (entry.returned === undefined && entry.messageId === returned.properties.messageId && entry.exchange === returned.exchange && entry.routingKey === returned.routingKey) {
        entry.returned = { replyCode: returned.replyCode, replyText: returned.replyText };
        return;
      }
    }
  });

  return {
    isAlive: () => alive,
    knownExchanges: new Set(),
    async checkExchange(name) {
      try {
        sideChannel ??= connection.createChannel();
        const side = await sideChannel;
        await side.checkExchange(name);
        return undefined;
      } catch (error) {
        sideChannel = undefined; // a failed check closes the channel
        if (replyCodeOf(error) === 404) return new RabbitMqExchangeNotFoundError(name, error);
        return new RabbitMqConnectionError('connect', `checking that RabbitMQ exchange "${name}" exists failed (${describeClientError(error)}); it is retried`, error);
      }
    },
    publish(entry, content, properties) {
      const tag = ++sequence;
      pending.set(tag, entry);
      return channel.publish(entry.exchange, entry.routingKey, content, properties, true, (acked) => {
        if (!pending.delete(tag)) return; // already failed (connection lost, timeout, abort)
        if (!acked) entry.settle(new RabbitMqNackError(entry.exchange, entry.routingKey));
        else if (entry.returned !== undefined) entry.settle(new RabbitMqUnroutableError(entry.exchange, entry.routingKey, entry.returned.replyCode, entry.returned.replyText));
        else entry.settle(undefined);
      });
    },
    waitForDrain: () => channel.waitForDrain(),
    pendingCount: () => pending.size,
    discard: (reason) => end(new RabbitMqConnectionError('in-flight', `the RabbitMQ connection was discarded (${reason}) before the broker confirmed the message; it is retried`)),
    close: async () => {
      alive = false;
      await connection.close();
    },
  };
}
