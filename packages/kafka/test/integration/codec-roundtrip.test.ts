import { createEnvelope, type Envelope } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { createKafkaPublisher, decodeKafkaRecord, encodeKafkaRecord, partitionForKey } from '../../src/index.js';
import { createKafkaKit, type KafkaKit } from './support/kafka-kit.js';

const service = await requireKafka();

describe.skipIf(!service.available)('codec and publisher on a real broker', () => {
  let kit: KafkaKit;
  beforeAll(() => {
    kit = createKafkaKit(service.brokers);
  });
  afterAll(() => kit.cleanup());

  it.each(['binary', 'structured'] as const)('round-trips envelopes in %s mode through Kafka', async (mode) => {
    const topic = kit.name(`codec-${mode}`);
    await kit.createTopics([topic], { partitions: 3, deadLetter: false });
    const envelopes: Envelope[] = [
      createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1', total: 12.5, lines: [{ sku: 'a', qty: 2 }] }, partitionKey: 'o-1', correlationId: 'c-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'acme=1', extensions: { tenant: 'acme' } }),
      createEnvelope({ type: 'order.note', source: '/orders', data: 'plain text ✓', dataContentType: 'text/plain', partitionKey: 'o-2', subject: 'o-2', schemaVersion: '3' }),
      createEnvelope({ type: 'order.blob', source: '/orders', data: new Uint8Array([0, 1, 254, 255]), dataContentType: 'application/octet-stream' }),
    ];
    const publisher = createKafkaPublisher({ transport: kit.transport, mode });
    const results = await publisher.publish(envelopes.map((envelope) => ({ id: envelope.id, destination: topic, partitionKey: envelope.partitionKey, headers: {}, envelope })));
    await publisher.close();
    expect(results.every((r) => r.ok)).toBe(true);

    const records = await kit.readTopic(topic, envelopes.length);
    const decoded = records.map((r) => decodeKafkaRecord(r, { topic, partition: r.partition, offset: r.offset }));
    const byId = new Map(decoded.map((e) => [e.id, e]));
    for (const envelope of envelopes) {
      const back = byId.get(envelope.id)!;
      if (mode === 'structured' || !(envelope.data instanceof Uint8Array)) expect(back).toEqual(envelope);
      else expect({ ...back, data: Buffer.from(back.data as Uint8Array) }).toEqual({ ...envelope, data: Buffer.from(envelope.data) });
    }
    // keyed records sit where a Java producer would put them
    for (const record of records) {
      if (record.key !== null) expect(record.partition).toBe(partitionForKey(record.key, 3));
    }
  });

  it('structured records carry the trace context and routing headers outside the value', async () => {
    const topic = kit.name('codec-headers');
    await kit.createTopics([topic], { deadLetter: false });
    const envelope = createEnvelope({ type: 't', source: '/s', data: 1, correlationId: 'corr', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    const producer = kit.kafka.producer();
    await producer.connect();
    const record = encodeKafkaRecord(envelope, { mode: 'structured' });
    await producer.send({ topic, acks: -1, messages: [{ key: record.key, value: record.value, headers: { ...record.headers } as Record<string, string> }] });
    await producer.disconnect();
    const [read] = await kit.readTopic(topic, 1);
    expect(read!.headers!.traceparent!.toString()).toBe(envelope.traceparent);
    expect(read!.headers!.ce_correlationid!.toString()).toBe('corr');
    expect(read!.headers!['content-type']!.toString()).toBe('application/cloudevents+json; charset=utf-8');
  });
});
