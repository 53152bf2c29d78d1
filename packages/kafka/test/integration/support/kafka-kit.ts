/**
 * Helpers for the integration tests on a real broker: unique topic and group names per run (other
 * engineers share the broker), topic creation that waits for leaders, and reading a topic back.
 * Waiting always polls a condition with a deadline; nothing sleeps for a fixed time.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { createKafkaJsTransport } from '../../../src/kafkajs.js';
import { ensureTopics } from '../../../src/index.js';
import type { KafkaTransport } from '../../../src/index.js';

export interface KafkaKit {
  readonly kafka: Kafka;
  readonly transport: KafkaTransport;
  /** A topic or group name unique to this run. */
  name(prefix: string): string;
  /** Creates topics (and `retryTopics` retry topics and a dead-letter topic for each) and waits for leaders. */
  createTopics(topics: readonly string[], options?: { partitions?: number; retryTopics?: number; deadLetter?: boolean }): Promise<void>;
  /** Reads `count` records of `topic` from the beginning (a throwaway group), within `timeoutMs`. */
  readTopic(topic: string, count: number, timeoutMs?: number): Promise<Array<KafkaMessage & { partition: number }>>;
  /** The committed offset of `groupId` on partition `partition` of `topic` ('-1' when none). */
  committedOffset(groupId: string, topic: string, partition?: number): Promise<string>;
  /** Registers something to close at `cleanup()` (a consumer started by a test); returns it. */
  track<T extends { close(): Promise<void> }>(closable: T): T;
  /** Closes what was tracked, deletes every topic created through this kit and disconnects. */
  cleanup(): Promise<void>;
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(25);
  }
}

export function createKafkaKit(brokers: string[], clientId = 'iap-kafka-it'): KafkaKit {
  const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
  const transport = createKafkaJsTransport({ kafka });
  const admin = kafka.admin();
  let adminConnected: Promise<void> | undefined;
  const connectAdmin = () => (adminConnected ??= admin.connect());
  const created: string[] = [];
  const tracked: Array<{ close(): Promise<void> }> = [];
  const run = randomUUID().slice(0, 8);
  let counter = 0;

  return {
    kafka,
    transport,
    name: (prefix) => `iap-it-${prefix}-${run}-${++counter}`,
    async createTopics(topics, options = {}) {
      const result = await ensureTopics({
        transport,
        topics,
        partitions: options.partitions ?? 1,
        replicationFactor: 1,
        retryTopics: options.retryTopics ?? 0,
        deadLetter: options.deadLetter ?? true,
      });
      created.push(...result.topics);
    },
    async readTopic(topic, count, timeoutMs = 30_000) {
      const consumer = kafka.consumer({ groupId: `iap-it-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
      const records: Array<KafkaMessage & { partition: number }> = [];
      try {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: ({ message, partition }) => {
            records.push({ ...message, partition });
            return Promise.resolve();
          },
        });
        await waitFor(() => records.length >= count, timeoutMs, `${count} records in ${topic} (have ${records.length})`);
      } finally {
        await consumer.disconnect();
      }
      return records;
    },
    async committedOffset(groupId, topic, partition = 0) {
      await connectAdmin();
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return entry?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    },
    track(closable) {
      tracked.push(closable);
      return closable;
    },
    async cleanup() {
      await Promise.all(tracked.map((closable) => closable.close()));
      await connectAdmin();
      if (created.length > 0) await admin.deleteTopics({ topics: [...new Set(created)] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
