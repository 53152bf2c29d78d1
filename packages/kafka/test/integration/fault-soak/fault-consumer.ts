/**
 * A consumer process of the fault soak test: the real consumer runner on TOPIC (Kafka at
 * KAFKA_BROKERS, through the test's proxy) applies each event through the messaging inbox in one
 * PostgreSQL transaction (DATABASE_URL, through the other proxy): the `applied` row and the inbox
 * row commit together. A failing database blocks the partition and retries, never dead-letters.
 * No error handler of its own: a fault that reaches the process ends it, and the test counts that.
 */
import { createInbox } from '@iap/messaging';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { createConsumer } from '../../../src/index.js';
import { createKafkaJsTransport } from '../../../src/kafkajs.js';

const consumerId = process.env.CONSUMER_ID!;
const schema = process.env.SCHEMA!;
const db = createPostgresDatabase({ connectionString: process.env.DATABASE_URL!, maxConnections: 4, connectTimeoutMs: 3_000 });
const kafka = new Kafka({ clientId: consumerId, brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 10_000 });
const inbox = createInbox({ schema });
const consumer = createConsumer({
  transport: createKafkaJsTransport({ kafka }),
  groupId: process.env.GROUP_ID!,
  topics: [process.env.TOPIC!],
  fromBeginning: true,
  idempotencyStore: false,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  maxWaitTimeMs: 200,
  retry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 100 } },
  onRetriesExhausted: { mode: 'block', backoff: { backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, maxDelayMs: 2_000 } },
  handler: async (event) => {
    const { n } = event.data as { n: number };
    await db.transaction((tx) =>
      inbox.handle(tx, { consumer: 'fault-soak', messageId: event.id }, (t) =>
        t.query(`INSERT INTO "${schema}".applied (message_id, partition_key, n, consumer) VALUES ($1, $2, $3, $4)`, [event.id, event.partitionKey ?? null, n, consumerId]),
      ),
    );
  },
});
consumer.events.on('error', (e) => process.stderr.write(`[${consumerId}] error ${e.error.code}: ${e.error.message.slice(0, 200)}\n`));
consumer.events.on('deadLettered', (e) => process.stderr.write(`[${consumerId}] DEAD LETTER ${JSON.stringify(e).slice(0, 300)}\n`));
await consumer.start();
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void consumer
    .close()
    .then(() => db.close())
    .then(() => process.exit(0));
});
