import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { fixtureNames, loadFixture } from '../../src/__fixtures__/load-fixture.js';
import { createCdcParser, isCdcParseError, type ChangeEvent } from '../../src/index.js';

const service = await requireKafka();

/** JSON text with bigints as plain literals (the record fixtures' values, exactly). */
function stringifyExact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `@@bigint:${v.toString()}@@` : v)).replace(/"@@bigint:(-?\d+)@@"/g, '$1');
}

interface Sent {
  readonly name: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

function records(): Sent[] {
  return fixtureNames().map((name) => {
    const fixture = loadFixture(name);
    const value = typeof fixture.value === 'string' ? Buffer.from(fixture.value) : fixture.value === null ? null : Buffer.from(stringifyExact(fixture.value));
    return { name, key: fixture.key === null ? null : Buffer.from(stringifyExact(fixture.key)), value };
  });
}

describe.skipIf(!service.available)('CDC records through a real Kafka broker (kafkajs)', () => {
  const kafka = new Kafka({ clientId: 'iap-cdc-it', brokers: service.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `iap-cdc-it-${randomUUID()}` });
  const topic = `iap-cdc-it-${randomUUID()}`;

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('every fixture produced as key/value bytes parses from the consumed record exactly as from the bytes sent', async () => {
    const sent = records();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: sent.map((record) => ({ key: record.key, value: record.value, headers: { fixture: record.name } })) });

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const parser = createCdcParser();
    const received = new Map<string, ChangeEvent[]>();
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            const name = message.headers?.fixture?.toString() ?? '?';
            const result = parser.safeParse(message.value, { key: message.key, topic });
            if (!result.ok) reject(result.error);
            else received.set(name, result.events);
            if (received.size === sent.length) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });

    const direct = createCdcParser();
    for (const record of sent) {
      const expected = direct.parse(record.value, { key: record.key, topic });
      expect(received.get(record.name), record.name).toEqual(expected);
    }
    const tombstone = received.get('debezium-pg-tombstone-after-delete.record.json')!;
    expect(tombstone).toMatchObject([{ kind: 'tombstone', key: { id: 111 }, topic }]);
    const toast = received.get('debezium-pg-update-toast-unavailable.record.json')!;
    expect(toast[0]!.eventTimeNs).toBe(1746440316214861840n);
    const broken = parser.safeParse(Buffer.from('{"op":'), { topic });
    expect(!broken.ok && isCdcParseError(broken.error)).toBe(true);
  });
});
