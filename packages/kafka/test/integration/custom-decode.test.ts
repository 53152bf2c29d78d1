import { readFileSync } from 'node:fs';
import { createEnvelope, type Envelope } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { createConsumer, type ConsumedRecord } from '../../src/index.js';
import { createKafkaKit, waitFor, type KafkaKit } from './support/kafka-kit.js';

const service = await requireKafka();

/** Debezium change events captured from a real connector (the fixtures @iap/cdc's tests use; provenance in its SOURCES.md). */
const fixture = (name: string): Buffer => readFileSync(new URL(`../../../cdc/src/__fixtures__/cdc/${name}`, import.meta.url));

interface DebeziumChange {
  readonly op: string;
  readonly source: { readonly table: string; readonly lsn: number };
  readonly after: Record<string, unknown> | null;
  readonly before: Record<string, unknown> | null;
}

/** A decode for plain Debezium JSON: the envelope id is the source position, stable across redeliveries. */
function decodeDebezium(record: ConsumedRecord): Envelope {
  const change = JSON.parse(record.value!.toString('utf8')) as DebeziumChange;
  return createEnvelope({
    id: `${change.source.table}@${change.source.lsn}:${change.op}`,
    type: `cdc.${change.source.table}.${change.op}`,
    source: '/debezium/inventory',
    data: { before: change.before, after: change.after },
  });
}

describe.skipIf(!service.available)('records that are not CloudEvents, on a real broker', () => {
  let kit: KafkaKit;
  beforeAll(() => {
    kit = createKafkaKit(service.brokers);
  });
  afterAll(() => kit.cleanup());

  it('consumes Debezium JSON through the decode option, dedups its redelivery and dead-letters what decode rejects', async () => {
    const topic = kit.name('debezium');
    const groupId = kit.name('debezium-group');
    await kit.createTopics([topic], { partitions: 1 });
    const create = fixture('debezium-pg-create.json');
    const update = fixture('debezium-pg-update-replica-identity-full.json');
    const producer = kit.kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      // the create twice (a connector restart re-sends it), a truncated record, then an update
      messages: [{ value: create }, { value: create }, { value: Buffer.from('{"before": null, "after": {"id": 1') }, { value: update }],
    });
    await producer.disconnect();

    const handled: Envelope[] = [];
    const consumer = createConsumer({ transport: kit.transport, groupId, topics: [topic], fromBeginning: true, shutdownSignals: [], maxWaitTimeMs: 100, decode: decodeDebezium, handler: (event) => void handled.push(event) });
    kit.track(consumer);
    await consumer.start();
    await waitFor(async () => (await kit.committedOffset(groupId, topic)) === '4', 30_000, 'offset 4 committed');
    expect(handled.map((e) => e.type)).toEqual(['cdc.products.c', 'cdc.products.u']);
    expect((handled[0]!.data as { after: { id: number } }).after.id).toBe(110);
    const [dead] = await kit.readTopic(`${topic}-dlt`, 1);
    expect(dead!.value).toEqual(Buffer.from('{"before": null, "after": {"id": 1'));
  });
});
