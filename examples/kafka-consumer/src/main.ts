/**
 * @iap/kafka on a real broker (KAFKA_BROKERS, default 127.0.0.1:9092): create the topics, publish
 * order events with the Kafka publisher, consume them with zod schemas per type and version (one
 * handler failure is retried in-process), and watch three poison records (invalid data, an unknown
 * schema version, bytes that are no CloudEvent) land in the dead-letter topic with Spring-compatible
 * `kafka_dlt-*` headers, read back with `readDeadLetterHeaders`. Topic and group names are unique per
 * run; the topics are deleted at the end. Without a broker it says so and exits 0 (1 when
 * IAP_REQUIRE_SERVICES=1).
 * Run: `pnpm --filter @iap-example/kafka-consumer example`.
 */
import { randomUUID } from 'node:crypto';
import { createEnvelope, type Envelope } from '@iap/core';
import { createConsumer, createJavaCompatiblePartitioner, createKafkaPublisher, ensureTopics } from '@iap/kafka';
import { createKafkaJsTransport } from '@iap/kafka/kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { brokerReachable } from './broker-reachable.js';
import { check } from './check.js';
import { readDeadLetters } from './dead-letter-reader.js';
import { orderSchemas } from './order-schemas.js';
import { waitFor } from './wait-for.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
if (!(await brokerReachable(brokers))) {
  const required = process.env.IAP_REQUIRE_SERVICES === '1';
  console.log(`kafka-consumer: no Kafka broker reachable at ${brokers.join(',')} (start one with scripts/kafka.sh up or set KAFKA_BROKERS); ${required ? 'failing because IAP_REQUIRE_SERVICES=1' : 'skipped'}`);
  process.exit(required ? 1 : 0);
}

const runId = randomUUID().slice(0, 8);
const topic = `iap-example-orders-${runId}`;
const groupId = `iap-example-billing-${runId}`;
const kafka = new Kafka({ clientId: `iap-example-${runId}`, brokers, logLevel: logLevel.NOTHING });
const transport = createKafkaJsTransport({ kafka });
const publisher = createKafkaPublisher({ transport });

const { topics } = await ensureTopics({ transport, topics: [topic], partitions: 3 });
console.log(`broker ${brokers.join(',')}: topics ready: ${topics.join(', ')}`);
try {
  // --- consume: typed by schema, one transient failure retried, poison dead-lettered ------------
  const handled: string[] = [];
  const deadLettered: string[] = [];
  let cancelAttempts = 0;
  const consumer = createConsumer({
    transport,
    groupId,
    topics: [topic],
    fromBeginning: true,
    schemas: orderSchemas,
    retry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 100 }, jitter: 'none' },
    handler: (event, context) => {
      switch (event.type) {
        case 'com.acme.order.placed': {
          // `event.data` is typed by the schema of its version: a string total in v1, money in v2
          const total = event.schemaVersion === '1' ? `${event.data.total} EUR` : `${event.data.total.amount} ${event.data.total.currency}`;
          handled.push(`placed ${event.data.orderId}`);
          console.log(`handled order.placed v${event.schemaVersion} ${event.data.orderId}: ${total} (partition ${context.partition}, offset ${context.offset})`);
          break;
        }
        case 'com.acme.order.cancelled': {
          cancelAttempts++;
          if (context.attempt === 1) throw new Error('inventory service busy'); // transient: retried in-process
          handled.push(`cancelled ${event.data.orderId}`);
          console.log(`handled order.cancelled ${event.data.orderId} (${event.data.reason}) on attempt ${context.attempt}`);
          break;
        }
      }
    },
  });
  consumer.events.on('retrying', (e) => console.log(`retrying offset ${e.offset} in ${e.delayMs} ms: ${e.error.message}`));
  consumer.events.on('deadLettered', (e) => {
    deadLettered.push(e.error.code);
    console.log(`dead-lettered offset ${e.offset} of partition ${e.partition} → ${e.deadLetterTopic} (${e.error.code})`);
  });
  await consumer.start();

  // --- publish: envelopes through the Kafka publisher (as the outbox relay does) ----------------
  const events: Envelope[] = [
    createEnvelope({ type: 'com.acme.order.placed', source: '/orders', partitionKey: 'ORD-1', data: { orderId: 'ORD-1', total: '49.90' } }),
    createEnvelope({ type: 'com.acme.order.placed', source: '/orders', partitionKey: 'ORD-2', schemaVersion: '2', data: { orderId: 'ORD-2', total: { amount: '120.00', currency: 'USD' } } }),
    createEnvelope({ type: 'com.acme.order.cancelled', source: '/orders', partitionKey: 'ORD-1', data: { orderId: 'ORD-1', reason: 'customer request' } }),
    // poison: the data breaks the v2 schema (no currency)
    createEnvelope({ type: 'com.acme.order.placed', source: '/orders', partitionKey: 'ORD-3', schemaVersion: '2', data: { orderId: 'ORD-3', total: { amount: '5.00' } } }),
    // poison: a schema version this consumer does not know
    createEnvelope({ type: 'com.acme.order.placed', source: '/orders', partitionKey: 'ORD-4', schemaVersion: '9', data: { orderId: 'ORD-4' } }),
  ];
  const results = await publisher.publish(events.map((envelope) => ({ id: envelope.id, destination: topic, partitionKey: envelope.partitionKey, headers: {}, envelope })));
  check(results.every((r) => r.ok), 'every envelope was acknowledged by the broker');
  console.log(`published ${results.length} envelopes (CloudEvents binary mode, key = partition key)`);
  // poison: bytes that are no CloudEvent at all, written by a plain producer
  const producer = transport.createProducer({ idempotent: false, partitioner: createJavaCompatiblePartitioner() });
  await producer.connect();
  await producer.send({ topicRecords: [{ topic, records: [{ key: Buffer.from('ORD-5'), value: Buffer.from('{"not":"a cloud event"'), headers: {} }] }], acks: -1, timeoutMs: 10_000, compression: 'none' });
  await producer.disconnect();
  console.log('published 1 record that is not a CloudEvent');

  await waitFor('3 handled events and 3 dead letters', () => handled.length === 3 && deadLettered.length === 3, 30_000);
  await consumer.close();
  check(cancelAttempts === 2, 'the cancelled event failed once and succeeded on the in-process retry');
  check(
    JSON.stringify([...deadLettered].sort()) === JSON.stringify(['MESSAGE_DECODE', 'UNKNOWN_SCHEMA_VERSION', 'VALIDATION']),
    `the three poison records were dead-lettered (got ${deadLettered.join(', ')})`,
  );

  // --- read the dead-letter topic back --------------------------------------------------------
  const dlt = await readDeadLetters(kafka, `${topic}-dlt`, `${groupId}-dlt-reader`, 3);
  for (const record of dlt) {
    const info = record.info;
    check(info !== undefined, 'every dead letter carries kafka_dlt-* headers');
    console.log(
      `dead letter key=${record.key ?? 'null'}: from ${info.originalTopic}[${info.originalPartition ?? '?'}]@${info.originalOffset ?? '?'}, group ${info.originalConsumerGroup ?? '?'}, ${info.exceptionFqcn ?? '?'}: ${info.exceptionMessage ?? ''}`,
    );
    check(info.originalTopic === topic && info.originalConsumerGroup === groupId, 'the headers name the original topic and consumer group');
  }
  check(dlt.length === 3, 'three records in the dead-letter topic');
  console.log('\nkafka-consumer: all checks passed');
} finally {
  await publisher.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  await admin.disconnect();
}
