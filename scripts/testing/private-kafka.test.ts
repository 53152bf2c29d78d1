import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { fetchKafkaMetadata } from './kafka-metadata-probe.js';
import { freePort } from './free-port.js';
import { type PrivateKafka, startPrivateKafka } from './private-kafka.js';

const hasJava = await import('node:child_process').then(
  ({ spawnSync }) => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0,
);

describe.skipIf(!hasJava)('private Kafka behind a fault proxy', () => {
  let proxy: FaultProxy;
  let kafka: PrivateKafka;

  beforeAll(async () => {
    const port = await freePort();
    proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port } });
    kafka = await startPrivateKafka({ port, advertisedPort: proxy.port });
  }, 180_000);
  afterAll(async () => {
    await kafka?.destroy();
    await proxy?.close();
  }, 60_000);

  const client = (): Kafka =>
    new Kafka({ clientId: 'iap-private-kafka-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 20 } });

  async function produce(values: string[]): Promise<void> {
    const producer = client().producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      await producer.send({ topic: 'fault-test', acks: -1, messages: values.map((value) => ({ key: 'k', value })) });
    } finally {
      await producer.disconnect();
    }
  }

  async function readAll(expected: number): Promise<string[]> {
    const consumer = client().consumer({ groupId: `reader-${expected}-${Date.now()}` });
    const values: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'fault-test', fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: ({ message }) => {
              values.push(message.value?.toString() ?? '');
              if (values.length >= expected) resolve();
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return values;
  }

  it('advertises the proxy, goes through it, and keeps its data across restart and kill', async () => {
    expect(kafka.brokers).toEqual([proxy.address]);
    const metadata = await fetchKafkaMetadata('127.0.0.1', kafka.port);
    expect(metadata.brokers.map((b) => b.port)).toEqual([proxy.port]);

    await produce(['a1', 'a2']);
    const pidBefore = kafka.pid();
    await kafka.restart();
    expect(kafka.pid()).not.toBe(pidBefore);
    await produce(['b1']);
    await kafka.kill();
    expect(kafka.pid()).toBeUndefined();
    await kafka.start();
    await produce(['c1']);
    expect(await readAll(4)).toEqual(['a1', 'a2', 'b1', 'c1']);
  }, 180_000);

  it('is unreachable for clients while the proxy refuses, reachable again after heal', async () => {
    await proxy.refuse();
    const admin = new Kafka({ clientId: 'iap-refused', brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await expect(admin.connect()).rejects.toThrow();
    await admin.disconnect().catch(() => {});
    await proxy.heal();
    await produce(['d1']);
    expect(await readAll(5)).toEqual(['a1', 'a2', 'b1', 'c1', 'd1']);
  }, 120_000);
});
