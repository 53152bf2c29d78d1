import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { createEnvelope, decodeEnvelope, encodeEnvelope, type Envelope } from '../../src/index.js';

const service = await requireKafka();

describe.skipIf(!service.available)('Kafka smoke (real broker)', () => {
  const kafka = new Kafka({ clientId: 'iap-core-smoke', brokers: service.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `iap-core-smoke-${randomUUID()}` });
  const topic = `iap-core-smoke-${randomUUID()}`;

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('produces one envelope and consumes it back through kafkajs', async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    const envelope = createEnvelope({ type: 'smoke.tested', source: '/core', data: { hello: 'kafka' }, partitionKey: 'k-1' });
    await producer.send({ topic, acks: -1, messages: [{ key: envelope.partitionKey ?? null, value: Buffer.from(encodeEnvelope(envelope)) }] });

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<Envelope>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            resolve(decodeEnvelope(new Uint8Array(message.value ?? Buffer.alloc(0))));
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    expect(received).toEqual(envelope);
  });
});
