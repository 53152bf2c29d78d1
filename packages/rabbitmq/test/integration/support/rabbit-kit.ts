/**
 * Helpers for the integration tests on the real RabbitMQ (AMQP_URL, default
 * amqp://guest:guest@127.0.0.1:5672): a probe that skips loudly (or fails under
 * IAP_REQUIRE_SERVICES=1), names unique to the run (the broker is shared), reading a queue back and
 * deleting everything a test declared. Waiting always polls a condition with a deadline.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import amqplib, { type ChannelModel, type GetMessage } from 'amqplib';

export const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Whether RabbitMQ answers an AMQP handshake; logs one loud line (or throws under IAP_REQUIRE_SERVICES=1) when not. */
export async function requireRabbitMq(): Promise<{ readonly available: boolean; readonly url: string }> {
  let available = false;
  try {
    const connection = await amqplib.connect(amqpUrl, { timeout: 2_000 });
    await connection.close();
    available = true;
  } catch {
    const where = amqpUrl.replace(/\/\/[^@/]*@/, '//***@');
    const message = `[iap] RabbitMQ is not reachable at ${where}`;
    if (process.env.IAP_REQUIRE_SERVICES === '1') throw new Error(`${message} and IAP_REQUIRE_SERVICES=1: start RabbitMQ (systemctl start rabbitmq-server)`);
    console.warn(`\n!!! SKIPPING RabbitMQ integration tests: ${message} (set IAP_REQUIRE_SERVICES=1 to fail instead)\n`);
  }
  return { available, url: amqpUrl };
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}

export interface RabbitKit {
  /** A name unique to this run; queues and exchanges made through the kit are deleted at cleanup. */
  name(prefix: string): string;
  /** Declares a durable exchange (deleted at cleanup). */
  exchange(name: string, type?: string): Promise<void>;
  /** Declares a durable classic queue bound to `exchange` with `routingKey` (deleted at cleanup). */
  queue(name: string, binding?: { exchange: string; routingKey: string }): Promise<void>;
  /** Registers names declared elsewhere (ensureTopology) for deletion. */
  forget(kind: 'queue' | 'exchange', name: string): void;
  /** Messages now in `queue` (acknowledged, so the queue is empty afterwards). */
  drain(queue: string): Promise<GetMessage[]>;
  /** Reads until `count` messages were taken from `queue`, within `timeoutMs`. */
  read(queue: string, count: number, timeoutMs?: number): Promise<GetMessage[]>;
  /** Arguments of a queue as the broker reports them, through `checkQueue` (message count). */
  messageCount(queue: string): Promise<number>;
  readonly connection: () => Promise<ChannelModel>;
  cleanup(): Promise<void>;
}

export function createRabbitKit(): RabbitKit {
  const run = randomUUID().slice(0, 8);
  let counter = 0;
  const queues = new Set<string>();
  const exchanges = new Set<string>();
  let connecting: Promise<ChannelModel> | undefined;
  const connection = () => (connecting ??= amqplib.connect(amqpUrl));
  const withChannel = async <T>(fn: (channel: amqplib.Channel) => Promise<T>): Promise<T> => {
    const channel = await (await connection()).createChannel();
    channel.on('error', () => undefined);
    try {
      return await fn(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  };
  const drain = (queue: string) =>
    withChannel(async (channel) => {
      const out: GetMessage[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) return out;
        out.push(message);
      }
    });
  return {
    name: (prefix) => `iap-it-${prefix}-${run}-${++counter}`,
    connection,
    async exchange(name, type = 'topic') {
      exchanges.add(name);
      await withChannel((channel) => channel.assertExchange(name, type, { durable: true }));
    },
    async queue(name, binding) {
      queues.add(name);
      await withChannel(async (channel) => {
        await channel.assertQueue(name, { durable: true });
        if (binding !== undefined) await channel.bindQueue(name, binding.exchange, binding.routingKey);
      });
    },
    forget(kind, name) {
      (kind === 'queue' ? queues : exchanges).add(name);
    },
    drain,
    async read(queue, count, timeoutMs = 10_000) {
      const out: GetMessage[] = [];
      await waitFor(async () => {
        out.push(...(await drain(queue)));
        return out.length >= count;
      }, timeoutMs, `${count} messages in ${queue} (have ${out.length})`);
      return out;
    },
    messageCount: (queue) => withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount),
    async cleanup() {
      for (const queue of queues) await withChannel((channel) => channel.deleteQueue(queue)).catch(() => undefined);
      for (const exchange of exchanges) await withChannel((channel) => channel.deleteExchange(exchange)).catch(() => undefined);
      if (connecting !== undefined) await (await connecting).close().catch(() => undefined);
    },
  };
}
