/**
 * A relay process of the fault soak test: the outbox of SCHEMA on PostgreSQL at DATABASE_URL (through
 * the test's fault proxy), published to Kafka at KAFKA_BROKERS (through the other proxy) by the real
 * Kafka publisher. It logs every error and dead letter to stderr and installs no error handler of its
 * own: a fault that reaches the process ends it, and the test counts that as a crash. SIGTERM stops
 * it gracefully.
 */
import { createOutbox, createRelay } from '@iap/messaging';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaPublisher } from '../../../src/index.js';
import { createKafkaJsTransport } from '../../../src/kafkajs.js';

const relayId = process.env.RELAY_ID!;
const db = createPostgresDatabase({ connectionString: process.env.DATABASE_URL!, maxConnections: 4, connectTimeoutMs: 3_000 });
const kafka = new Kafka({ clientId: relayId, brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 10_000 });
const publisher = createKafkaPublisher({ transport: createKafkaJsTransport({ kafka }), publishTimeoutMs: 10_000 });
const relay = createRelay({
  database: db,
  outbox: createOutbox({ schema: process.env.SCHEMA! }),
  publisher,
  relayId,
  batchSize: 50,
  leaseMs: 4_000,
  publishTimeoutMs: 12_000,
  minPollIntervalMs: 10,
  maxPollIntervalMs: 200,
  // merged over the defaults: no maxAttempts, so a transport failure is retried for as long as it takes
  retry: { backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, maxDelayMs: 2_000 },
});
relay.on('error', (e) => process.stderr.write(`[${relayId}] error ${e.error.code}: ${e.error.message.slice(0, 200)}\n`));
relay.on('deadLettered', (e) => process.stderr.write(`[${relayId}] DEAD LETTER ${e.id}: ${e.reason.slice(0, 300)}\n`));
relay.start();
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void relay
    .stop()
    .then(() => publisher.close())
    .then(() => db.close())
    .then(() => process.exit(0));
});
