// Differential tests against the CloudEvents JS SDK's Kafka protocol binding (`cloudevents`, the CNCF
// reference SDK): records go SDK -> @iap -> SDK and @iap -> SDK -> @iap in binary and structured
// mode, including `dataschema`, `subject`, extensions and the partition key.
import { createEnvelope, type Envelope } from '@iap/core';
import { CloudEvent, Kafka, type KafkaMessage } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from './kafka-record.js';
import { decodeKafkaRecord, encodeKafkaRecord, type CloudEventsMode, type DecodableRecord } from './record-codec.js';

const location = { topic: 'orders', partition: 0, offset: '7' };

const envelope: Envelope = createEnvelope({
  id: 'evt-42',
  type: 'com.acme.order.placed',
  source: 'https://orders.acme.com/v1',
  subject: 'ORD-1001',
  time: '2026-01-31T12:00:00.000Z',
  dataSchemaUri: 'https://schemas.acme.com/order-placed/1',
  partitionKey: 'ORD-1001',
  extensions: { tenant: 'acme', region: 'eu-west-1' },
  data: { orderId: 'ORD-1001', total: 12.5, lines: [{ sku: 'A-1', qty: 2 }] },
});

/** Our record as the SDK's Kafka message (headers and value as the broker hands them over). */
function asSdkMessage(record: OutgoingRecord): KafkaMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (value !== undefined) headers[name] = value.toString();
  }
  return {
    key: record.key?.toString('utf8') ?? '',
    value: record.value?.toString('utf8') ?? '',
    headers,
    body: record.value?.toString('utf8') ?? '',
  };
}

/** An SDK Kafka message as a record our decoder reads (headers as Buffers, as kafkajs delivers them). */
function asRecord(message: KafkaMessage<unknown>): DecodableRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Buffer.from(String(value), 'utf8');
  }
  const value = message.value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { key: message.key === undefined ? null : Buffer.from(String(message.key), 'utf8'), value: Buffer.from(text, 'utf8'), headers };
}

const sdkEvent = new CloudEvent<unknown>({
  specversion: '1.0',
  id: 'evt-43',
  source: 'urn:acme:billing',
  type: 'com.acme.invoice.issued',
  subject: 'INV-9',
  time: '2026-02-01T08:30:00.000Z',
  datacontenttype: 'application/json',
  dataschema: 'https://schemas.acme.com/invoice-issued/3',
  partitionkey: 'INV-9',
  tenant: 'acme',
  data: { invoice: 'INV-9', amount: 99 },
});

describe('record codec against the CloudEvents SDK Kafka binding', () => {
  it.each(['binary', 'structured'] as const)('@iap %s record -> SDK reads the same event, dataschema included', (mode: CloudEventsMode) => {
    const event = Kafka.toEvent(asSdkMessage(encodeKafkaRecord(envelope, { mode }))) as CloudEvent<unknown>;
    expect(event.id).toBe(envelope.id);
    expect(event.type).toBe(envelope.type);
    expect(event.source).toBe(envelope.source);
    expect(event.subject).toBe(envelope.subject);
    expect(event.time).toBe(envelope.time);
    expect(event.dataschema).toBe(envelope.dataSchemaUri);
    expect(event['tenant']).toBe('acme');
    expect(event['region']).toBe('eu-west-1');
    expect(event.data).toEqual(envelope.data);
  });

  it('@iap binary record -> SDK -> SDK binary record -> @iap gives back the envelope', () => {
    const event = Kafka.toEvent(asSdkMessage(encodeKafkaRecord(envelope))) as CloudEvent<unknown>;
    const back = decodeKafkaRecord(asRecord(Kafka.binary(event)), location);
    expect(back.dataSchemaUri).toBe(envelope.dataSchemaUri);
    expect(back.subject).toBe(envelope.subject);
    expect(back.partitionKey).toBe(envelope.partitionKey);
    expect(back.extensions).toEqual(envelope.extensions);
    expect(back.data).toEqual(envelope.data);
  });

  it.each([
    ['binary', () => Kafka.binary(sdkEvent)],
    ['structured', () => Kafka.structured(sdkEvent)],
  ] as const)('SDK %s record -> @iap reads every attribute, dataschema included', (_mode, encode) => {
    const decoded = decodeKafkaRecord(asRecord(encode()), location);
    expect(decoded).toMatchObject({
      id: 'evt-43',
      source: 'urn:acme:billing',
      type: 'com.acme.invoice.issued',
      subject: 'INV-9',
      time: '2026-02-01T08:30:00.000Z',
      dataContentType: 'application/json',
      dataSchemaUri: 'https://schemas.acme.com/invoice-issued/3',
      partitionKey: 'INV-9',
      data: { invoice: 'INV-9', amount: 99 },
    });
    expect(decoded.extensions).toEqual({ tenant: 'acme' });
  });
});
