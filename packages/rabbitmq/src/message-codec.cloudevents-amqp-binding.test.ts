// The CloudEvents JS SDK has no AMQP binding (only HTTP, Kafka and MQTT), so these tests check the
// codec against the rules of the CloudEvents AMQP protocol binding 1.0.2 itself (section 3.1), and
// use the SDK's CloudEvent as the independent judge of the attributes on both sides.
import { createEnvelope, fromCloudEvent, toCloudEvent } from '@iap/core';
import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { decodeAmqpMessage } from './message-decode.js';
import { encodeAmqpMessage } from './message-encode.js';

const envelope = createEnvelope({
  id: 'evt-42',
  type: 'com.acme.order.placed',
  source: 'https://orders.acme.com/v1',
  subject: 'ORD-1001',
  time: '2026-01-31T12:00:00.000Z',
  dataSchemaUri: 'https://schemas.acme.com/order-placed/1',
  extensions: { tenant: 'acme', priority: 3, urgent: false },
  data: { orderId: 'ORD-1001', total: 12.5 },
});

describe('CloudEvents AMQP protocol binding (binary mode)', () => {
  it('3.1.1 / 3.1.3: datacontenttype is the content-type property and no header; every other attribute is a cloudEvents:<name> header', () => {
    const { properties } = encodeAmqpMessage(envelope);
    expect(properties.contentType).toBe('application/json');
    const headers = properties.headers!;
    expect(headers['cloudEvents:datacontenttype']).toBeUndefined();
    const sdk = new CloudEvent(toCloudEvent(envelope) as never, true);
    for (const [name, value] of Object.entries(sdk.toJSON())) {
      if (value === undefined || name === 'data' || name === 'data_base64' || name === 'datacontenttype') continue;
      expect(headers, `cloudEvents:${name}`).toHaveProperty([`cloudEvents:${name}`]);
      const header = headers[`cloudEvents:${name}`];
      // 3.1.3.2: native AMQP types (Integer -> long) or the canonical string form
      const native = typeof header === 'object' && header !== null && '!' in header ? (header as { value: unknown }).value : header;
      expect(native).toEqual(value);
    }
    expect(headers['cloudEvents:priority']).toEqual({ '!': 'long', value: 3 });
    expect(headers['cloudEvents:urgent']).toBe(false);
  });

  it('3.1.2: the body is the data as the bytes its content type declares', () => {
    expect(JSON.parse(Buffer.from(encodeAmqpMessage(envelope).content).toString('utf8'))).toEqual(envelope.data);
  });

  it('3.1.3.2: reads both forms on incoming messages (native AMQP types and canonical strings), and the SDK agrees with the result', () => {
    const incoming = {
      content: Buffer.from('{"orderId":"ORD-1001","total":12.5}'),
      properties: {
        contentType: 'application/json; charset=utf-8',
        headers: {
          'cloudEvents:specversion': '1.0',
          'cloudEvents:type': 'com.example.someevent',
          'cloudEvents:time': { '!': 'timestamp', value: 1522900584 }, // native timestamp (seconds in AMQP 0-9-1)
          'cloudEvents:id': Buffer.from('1234-1234-1234'), // binary holding the string
          'cloudEvents:source': '/mycontext/subcontext',
          'cloudEvents:count': { '!': 'long', value: 5 },
          'cloudEvents:countstring': '5', // a canonical string stays a string (no declared type)
          'cloudEvents:flag': true,
          'cloudEvents:blob': Buffer.from([1, 2, 3]),
        },
      },
    };
    const decoded = decodeAmqpMessage(incoming);
    expect(decoded).toMatchObject({ id: '1234-1234-1234', time: '2018-04-05T03:56:24.000Z', extensions: { count: 5, countstring: '5', flag: true, blob: 'AQID' } });
    const sdk = new CloudEvent(toCloudEvent(decoded) as never, true);
    expect(sdk.validate()).toBe(true);
    expect(fromCloudEvent(sdk.toJSON())).toEqual(decoded);
  });

  it('an SDK event mapped to AMQP by the binding rules decodes to what the SDK event converts to', () => {
    const sdk = new CloudEvent({ id: 'a-1', type: 'com.acme.x', source: '/acme', subject: 's', time: '2026-02-01T00:00:00.000Z', datacontenttype: 'application/json', data: { x: 1 }, tenant: 'acme', level: 2, schemaversion: '1' });
    const headers: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(sdk.toJSON())) if (value !== undefined && name !== 'data' && name !== 'datacontenttype') headers[`cloudEvents:${name}`] = value;
    const decoded = decodeAmqpMessage({ content: Buffer.from(JSON.stringify(sdk.data)), properties: { contentType: sdk.datacontenttype, headers: headers as never } });
    expect(decoded).toEqual(fromCloudEvent(sdk.toJSON()));
  });

  it('3.2: structured mode is application/cloudevents+json with the event as the SDK serialises it', () => {
    const { content, properties } = encodeAmqpMessage(envelope, { mode: 'structured' });
    expect(properties.contentType).toBe('application/cloudevents+json; charset=utf-8');
    const sdk = new CloudEvent(JSON.parse(Buffer.from(content).toString('utf8')) as never, true);
    expect(sdk.validate()).toBe(true);
    expect(fromCloudEvent(sdk.toJSON())).toEqual(envelope);
  });
});
