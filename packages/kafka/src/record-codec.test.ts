import { createEnvelope, formatTraceparent, RESERVED_EXTENSION_NAMES, type Envelope } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMessageDecodeError } from './kafka-errors.js';
import { decodeKafkaRecord, encodeKafkaRecord, tryDecodeKafkaRecord, type CloudEventsMode } from './record-codec.js';

const location = { topic: 'orders', partition: 2, offset: '41' };
const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((s) => !/^0+$/.test(s));

const envelopeArbitrary: fc.Arbitrary<Envelope> = fc
  .record(
    {
      id: text,
      type: text,
      // a URI-reference (RFC 3986), as CloudEvents requires of source
      source: fc.oneof(fc.webPath().filter((path) => path.length > 0), fc.webUrl(), fc.stringMatching(/^urn:[a-z]{1,8}:[a-z0-9.-]{1,16}$/)),
      subject: text,
      time: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      schemaVersion: text,
      correlationId: text,
      causationId: text,
      partitionKey: text,
      dataSchemaUri: fc.webUrl(),
      extensions: fc.dictionary(fc.stringMatching(/^[a-z0-9]{1,20}$/).filter((name) => !RESERVED_EXTENSION_NAMES.has(name)), text, { maxKeys: 3 }),
      trace: fc.record({ traceId: hex(32), parentId: hex(16), sampled: fc.boolean() }),
      tracestate: fc.constantFrom('vendor=abc', 'a=1,b=2'),
      // JSON has no -0: normalise as JSON.stringify does
      data: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
    },
    { requiredKeys: ['id', 'type', 'source', 'time', 'data'] },
  )
  .map(({ trace, time, tracestate, ...fields }) =>
    createEnvelope({
      ...fields,
      time,
      // a tracestate travels only with a traceparent (W3C Trace Context)
      ...(trace === undefined ? {} : { traceparent: formatTraceparent(trace), ...(tracestate === undefined ? {} : { tracestate }) }),
    }),
  );

function roundTrip(envelope: Envelope, mode: CloudEventsMode): Envelope {
  const record = encodeKafkaRecord(envelope, { mode });
  return decodeKafkaRecord(record, location);
}

describe('encodeKafkaRecord / decodeKafkaRecord', () => {
  it.each(['binary', 'structured'] as const)('round-trips any envelope in %s mode (property)', (mode) => {
    fc.assert(
      fc.property(envelopeArbitrary, (envelope) => {
        expect(roundTrip(envelope, mode)).toEqual(envelope);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('binary mode: attributes in ce_* headers, data alone as the value, partition key as the key', () => {
    const envelope = createEnvelope({
      id: 'evt-1',
      type: 'order.placed',
      source: '/orders',
      subject: 'o-1',
      time: '2026-01-31T12:00:00.000Z',
      schemaVersion: '2',
      correlationId: 'corr-1',
      partitionKey: 'o-1',
      extensions: { tenant: 'acme' },
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=1',
      data: { orderId: 'o-1', total: 12.5 },
    });
    const record = encodeKafkaRecord(envelope);
    expect(record.key?.toString()).toBe('o-1');
    expect(JSON.parse(record.value!.toString())).toEqual({ orderId: 'o-1', total: 12.5 });
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'evt-1',
      ce_source: '/orders',
      ce_type: 'order.placed',
      ce_time: '2026-01-31T12:00:00.000Z',
      ce_subject: 'o-1',
      'content-type': 'application/json',
      ce_schemaversion: '2',
      ce_correlationid: 'corr-1',
      ce_tenant: 'acme',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=1',
    });
  });

  it('structured mode: the event as JSON, content-type cloudevents, routing and trace headers beside it', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: { a: 1 }, correlationId: 'c', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    const record = encodeKafkaRecord(envelope, { mode: 'structured', headers: { 'x-tenant': 'acme', 'content-type': 'ignored' } });
    expect(record.key).toBeNull();
    expect(record.headers).toEqual({
      'x-tenant': 'acme',
      'content-type': 'application/cloudevents+json; charset=utf-8',
      ce_schemaversion: '1',
      ce_correlationid: 'c',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const json = JSON.parse(record.value!.toString());
    expect(json).toMatchObject({ specversion: '1.0', id: envelope.id, type: 't', source: '/s', data: { a: 1 }, correlationid: 'c' });
  });

  it('binary mode keeps bytes as bytes and text as text', () => {
    const bytes = createEnvelope({ type: 't', source: '/s', data: new Uint8Array([0, 255, 7]), dataContentType: 'application/octet-stream' });
    const decodedBytes = roundTrip(bytes, 'binary');
    expect(decodedBytes.data).toEqual(new Uint8Array([0, 255, 7]));
    const textual = createEnvelope({ type: 't', source: '/s', data: 'hello ✓', dataContentType: 'text/plain; charset=utf-8' });
    expect(roundTrip(textual, 'binary').data).toBe('hello ✓');
    const empty = createEnvelope({ type: 't', source: '/s', data: undefined });
    expect(encodeKafkaRecord(empty).value).toBeNull();
    expect(roundTrip(empty, 'binary').data).toBeUndefined();
  });

  it('binary mode writes a given dataJson as the value for JSON data and ignores it otherwise', () => {
    const event = createEnvelope({ type: 't', source: '/s', data: { a: 1, b: [true] } });
    const dataJson = '{"a": 1, "b": [true]}';
    const binary = encodeKafkaRecord(event, { dataJson });
    expect(binary.value!.toString('utf8')).toBe(dataJson);
    expect(decodeKafkaRecord({ ...binary, key: null }, location).data).toEqual({ a: 1, b: [true] });
    // structured mode serialises the whole event; a text payload is written as its own bytes
    expect(JSON.parse(encodeKafkaRecord(event, { mode: 'structured', dataJson: '{"ignored":1}' }).value!.toString('utf8')).data).toEqual({ a: 1, b: [true] });
    const text = createEnvelope({ type: 't', source: '/s', data: 'words', dataContentType: 'text/plain' });
    expect(encodeKafkaRecord(text, { dataJson: '"words"' }).value!.toString('utf8')).toBe('words');
  });

  it('uses the record key as partition key when the event has none', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: 1 });
    const record = encodeKafkaRecord(envelope, { mode: 'structured', key: 'k-9' });
    expect(decodeKafkaRecord(record).partitionKey).toBe('k-9');
  });

  it('reports data that JSON cannot represent as a DECODE error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const envelope = createEnvelope({ type: 't', source: '/s', data: cyclic });
    expect(() => encodeKafkaRecord(envelope)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => encodeKafkaRecord(createEnvelope({ type: 't', source: '/s', data: 10n }), { mode: 'structured' })).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });
});

describe('tryDecodeKafkaRecord on malformed records', () => {
  const valid = encodeKafkaRecord(createEnvelope({ type: 't', source: '/s', data: { a: 1 } }));

  it('rejects a record that is neither mode, naming the header', () => {
    const result = tryDecodeKafkaRecord({ key: null, value: Buffer.from('{}'), headers: {} }, location);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(isMessageDecodeError(result.error)).toBe(true);
    expect(result.error.message).toContain('orders[2]@41');
    expect(result.error.details).toMatchObject({ topic: 'orders', partition: 2, offset: '41', header: 'ce_specversion' });
  });

  it('rejects invalid JSON without echoing the value', () => {
    const result = tryDecodeKafkaRecord({ ...valid, value: Buffer.from('{"secret": "hunter2"') }, location);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('MESSAGE_DECODE');
    expect(result.error.message).not.toContain('hunter2');
  });

  it('names the header of a missing or invalid attribute', () => {
    const { ce_type: _type, ...headers } = valid.headers;
    const missing = tryDecodeKafkaRecord({ ...valid, headers: { ...headers, traceparent: 'garbage' } }, location);
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    const paths = (missing.error.details.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['ce_type', 'traceparent']));
  });

  it('rejects non-UTF-8 header values and unsupported structured formats', () => {
    const badHeader = tryDecodeKafkaRecord({ ...valid, headers: { ...valid.headers, ce_id: Buffer.from([0xff, 0xfe]) } }, location);
    expect(badHeader.ok === false && badHeader.error.details.header).toBe('ce_id');
    const batch = tryDecodeKafkaRecord({ key: null, value: Buffer.from('[]'), headers: { 'content-type': 'application/cloudevents-batch+json' } }, location);
    expect(batch.ok === false && batch.error.details.header).toBe('content-type');
    const empty = tryDecodeKafkaRecord({ key: null, value: null, headers: { 'content-type': 'application/cloudevents+json' } }, location);
    expect(empty.ok).toBe(false);
  });

  it('decodes repeating header values correctly when they change (the last-value cache)', () => {
    const toBytes = (record: ReturnType<typeof encodeKafkaRecord>) => ({
      ...record,
      headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(String(v))])),
    });
    const types = ['a.b', 'a.b', 'a.c', 'x', 'a.b', 'zürich'];
    const decoded = types.map((type) => decodeKafkaRecord(toBytes(encodeKafkaRecord(createEnvelope({ type, source: `/${encodeURIComponent(type)}`, data: 1 })))));
    expect(decoded.map((e) => [e.type, e.source])).toEqual(types.map((t) => [t, `/${encodeURIComponent(t)}`]));
    const invalid = toBytes(encodeKafkaRecord(createEnvelope({ type: 'a.b', source: '/s', data: 1 })));
    const broken = tryDecodeKafkaRecord({ ...invalid, headers: { ...invalid.headers, ce_type: Buffer.from([0x61, 0xff]) } }, location);
    expect(broken.ok === false && broken.error.details.header).toBe('ce_type');
  });

  it('never throws on arbitrary bytes and headers (fuzz)', () => {
    const headerValue = fc.oneof(fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)), fc.string({ maxLength: 16 }));
    const headerName = fc.oneof(fc.constantFrom('content-type', 'ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_time', 'traceparent'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(
        fc.option(fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b))),
        fc.option(fc.oneof(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), fc.json().map((j) => Buffer.from(j)))),
        fc.dictionary(headerName, fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 }))),
        (key, value, headers) => {
          const result = tryDecodeKafkaRecord({ key, value, headers: headers }, location);
          if (!result.ok) expect(result.error.code).toBe('MESSAGE_DECODE');
        },
      ),
      { seed: 99, numRuns: 1000 },
    );
  });
});
