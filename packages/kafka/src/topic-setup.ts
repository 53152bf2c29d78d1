import { ErrorCode, IapError, sleep, systemClock, toIapError, type Clock } from '@iap/core';
import { isNameList } from './internal/option-guards.js';
import type { KafkaTransport, TopicSpec } from './transport.js';
import { KafkaBrokerError } from './kafka-errors.js';

/**
 * Options for {@link ensureTopics}.
 *
 * @example
 * ```ts
 * const options: EnsureTopicsOptions = { transport, topics: ['orders'], partitions: 6, replicationFactor: 3, retryTopics: 2 };
 * ```
 */
export interface EnsureTopicsOptions {
  readonly transport: KafkaTransport;
  /** Main topics. */
  readonly topics: readonly string[];
  /** Partitions of every topic created (retry and dead-letter topics get the same). @defaultValue `-1` (the broker's `num.partitions`) */
  readonly partitions?: number;
  /** @defaultValue `-1` (the broker's `default.replication.factor`) */
  readonly replicationFactor?: number;
  /** Retry topics per main topic (`<topic>-retry-1` .. `-n`); match the consumer's `delaysMs.length`. @defaultValue `0` */
  readonly retryTopics?: number;
  /** Create `<topic>-dlt` for every main topic. @defaultValue `true` */
  readonly deadLetter?: boolean;
  /** @defaultValue `` `${topic}-dlt` `` */
  readonly deadLetterTopic?: (topic: string) => string;
  /** @defaultValue `` `${topic}-retry-${level}` `` */
  readonly retryTopic?: (topic: string, level: number) => string;
  /** Topic configs for every topic created, e.g. `{ 'retention.ms': '1209600000' }`. @defaultValue `{}` */
  readonly configs?: Readonly<Record<string, string>>;
  /** Longest wait for every partition to have a leader. @defaultValue `30_000` */
  readonly timeoutMs?: number;
  /** @defaultValue `systemClock` */
  readonly clock?: Clock;
}

/**
 * What {@link ensureTopics} did.
 *
 * @example
 * ```ts
 * const { created } = await ensureTopics(options);
 * log.info({ created }, 'topics ready');
 * ```
 */
export interface EnsureTopicsResult {
  /** Every topic that now exists with leaders: main, retry and dead-letter topics. */
  readonly topics: readonly string[];
  /** The topics this call created (the others existed). */
  readonly created: readonly string[];
}

/**
 * Creates the main, retry and dead-letter topics a consumer needs, if they do not exist, and waits
 * until every partition has a leader that answers offset requests (polling, with a deadline). Existing topics are left
 * as they are (their partition counts are not changed).
 *
 * @throws IapError `INVALID_OPTIONS` for invalid options; `BROKER` when Kafka refuses or leaders do
 *   not appear within `timeoutMs`.
 * @example
 * ```ts
 * await ensureTopics({ transport, topics: ['orders'], partitions: 6, replicationFactor: 3, retryTopics: 2 });
 * // orders, orders-retry-1, orders-retry-2, orders-dlt
 * ```
 */
export async function ensureTopics(options: EnsureTopicsOptions): Promise<EnsureTopicsResult> {
  const invalid = (message: string) => new IapError(ErrorCode.INVALID_OPTIONS, `ensureTopics: ${message}`);
  if (typeof options?.transport?.createAdmin !== 'function') throw invalid('transport is required');
  const topics: unknown = options.topics;
  if (!isNameList(topics)) throw invalid('topics must be a non-empty array of names');
  const partitions = options.partitions ?? -1;
  const replicationFactor = options.replicationFactor ?? -1;
  const retryTopics = options.retryTopics ?? 0;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isInteger(partitions) || (partitions < 1 && partitions !== -1)) throw invalid('partitions must be a positive integer or -1');
  if (!Number.isInteger(replicationFactor) || (replicationFactor < 1 && replicationFactor !== -1)) throw invalid('replicationFactor must be a positive integer or -1');
  if (!Number.isInteger(retryTopics) || retryTopics < 0) throw invalid('retryTopics must be an integer >= 0');
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw invalid('timeoutMs must be a positive integer');
  const clock = options.clock ?? systemClock;
  const deadLetterTopic = options.deadLetterTopic ?? ((topic: string) => `${topic}-dlt`);
  const retryTopic = options.retryTopic ?? ((topic: string, level: number) => `${topic}-retry-${level}`);

  const names: string[] = [];
  for (const topic of topics) {
    names.push(topic);
    for (let level = 1; level <= retryTopics; level++) names.push(retryTopic(topic, level));
    if (options.deadLetter !== false) names.push(deadLetterTopic(topic));
  }
  const unique = [...new Set(names)];
  const specs: TopicSpec[] = unique.map((topic) => ({ topic, partitions, replicationFactor, ...(options.configs === undefined ? {} : { configs: options.configs }) }));

  const admin = options.transport.createAdmin();
  await admin.connect();
  try {
    const created = await admin.createTopics(specs);
    const deadline = clock.now() + timeoutMs;
    for (const topic of unique) {
      for (;;) {
        let ready = false;
        try {
          const info = await admin.describeTopic(topic);
          // a leader in the metadata, and the leader answering offset requests (it may lag a moment)
          ready = info.length > 0 && info.every((p) => p.leader >= 0) && (await admin.topicOffsets(topic)).length === info.length;
        } catch (error) {
          if (!toIapError(error).retryable) throw error;
        }
        if (ready) break;
        if (clock.now() >= deadline) {
          throw new KafkaBrokerError(`topic ${topic} has partitions without a leader after ${timeoutMs} ms; check the brokers`, { retryable: true, operation: 'create topics', details: { topic } });
        }
        await sleep(100, { clock });
      }
    }
    return { topics: unique, created };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
