import { ManualClock, createEnvelope, seededRandom, type CreateEnvelopeInput, type IapError } from '@iap/core';
import type { ConsumerEvents } from '../consumer-events.js';
import type { ConsumerOptions, SchemaMap } from '../consumer-options.js';
import { createConsumer, type KafkaConsumer } from '../consumer/create-consumer.js';
import { encodeKafkaRecord } from '../record-codec.js';
import { InMemoryKafka, pumpUntil, type FakeConsumer, type StoredRecord } from './in-memory-kafka.js';

export interface Harness {
  readonly kafka: InMemoryKafka;
  readonly clock: ManualClock;
  readonly consumer: KafkaConsumer;
  readonly fake: FakeConsumer;
  readonly seen: { [K in keyof ConsumerEvents]: Array<ConsumerEvents[K]> };
  readonly errors: IapError[];
  /** Publishes an event to `topic` (binary mode unless told). */
  publish<T>(topic: string, input: Partial<CreateEnvelopeInput<T>> & { data: T }, mode?: 'binary' | 'structured'): StoredRecord;
  pumpUntil(done: () => boolean, options?: { stepMs?: number; maxMs?: number }): Promise<void>;
}

/** Starts a consumer on a fake in-memory Kafka with a manual clock; topic `orders` (1 partition) exists. */
export async function startHarness<S extends SchemaMap | undefined = undefined>(
  options: Omit<ConsumerOptions<S>, 'transport' | 'groupId' | 'topics'> & Partial<Pick<ConsumerOptions<S>, 'groupId' | 'topics'>>,
  setup?: (kafka: InMemoryKafka) => void,
): Promise<Harness> {
  const kafka = new InMemoryKafka();
  kafka.createTopic('orders', 1);
  setup?.(kafka);
  const clock = new ManualClock(1_700_000_000_000);
  const consumer = createConsumer<S>({
    groupId: 'g1',
    topics: ['orders'],
    fromBeginning: true,
    shutdownSignals: [],
    random: seededRandom(1),
    ...options,
    clock,
    transport: kafka,
  });
  const seen = { started: [], processed: [], duplicate: [], retrying: [], deadLettered: [], forwarded: [], paused: [], lag: [], error: [], closed: [] } as unknown as Harness['seen'];
  for (const name of Object.keys(seen) as Array<keyof ConsumerEvents>) {
    consumer.events.on(name, (payload) => (seen[name] as unknown[]).push(payload));
  }
  await consumer.start();
  const fake = kafka.consumers.at(-1)!;
  let counter = 0;
  return {
    kafka,
    clock,
    consumer,
    fake,
    seen,
    get errors() {
      return seen.error.map((e) => e.error);
    },
    publish(topic, input, mode = 'binary') {
      const envelope = createEnvelope({ type: 'order.placed', source: '/orders', id: `evt-${++counter}`, ...input }, { clock });
      return kafka.append(topic, encodeKafkaRecord(envelope, { mode }));
    },
    pumpUntil: (done, pumpOptions) => pumpUntil(fake, clock, done, pumpOptions),
  };
}
