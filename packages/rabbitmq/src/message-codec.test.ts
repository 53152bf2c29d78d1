import { RESERVED_EXTENSION_NAMES, createEnvelope, type Envelope } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RabbitMqDecodeError, RabbitMqEncodeError } from './rabbitmq-errors.js';
import { decodeAmqpMessage, tryDecodeAmqpMessage } from './message-decode.js';
import { encodeAmqpMessage } from './message-encode.js';

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((s) => !/^0+$/.test(s));
const extensionValue = fc.oneof(text, fc.boolean(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

const envelopeArbitrary: fc.Arbitrary<Envelope> = fc
  .record(
    {
      type: fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8}){0,3}$/),
      source: fc.oneof(fc.webPath().filter((path) => path.length > 0), fc.webUrl()),
      subject: text,
      time: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      schemaVersion: fc.stringMatching(/^[1-9][0-9]?$/),
      correlationId: text,
      causationId: text,
      partitionKey: text,
      dataSchemaUri: fc.webUrl(),
      extensions: fc.dictionary(fc.stringMatching(/^[a-z0-9]{1,20}$/).filter((name) => !RESERVED_EXTENSION_NAMES.has(name)), extensionValue, { maxKeys: 3 }),
      trace: fc.record({ traceId: hex(32), parentId: hex(16) }),
      data: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
    },
    { requiredKeys: ['type', 'source', 'time', 'data', 'extensions'] },
  )
  .map(({ trace, ...input }) => createEnvelope({ ...input, ...(trace === undefined ? {} : { traceparent: `00-${trace.traceId}-${trace.parentId}-01` }) }));

describe('AMQP message codec', () => {
  it('round-trips every envelope in binary and structured mode (property)', () => {
    fc.assert(
      fc.property(envelopeArbitrary, fc.constantFrom('binary' as const, 'structured' as const), (envelope, mode) => {
        const decoded = tryDecodeAmqpMessage(encodeAmqpMessage(envelope, { mode }));
        expect(decoded).toEqual({ ok: true, envelope, mode });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps bytes and text data as they are for non-JSON content types', () => {
    const bytes = createEnvelope({ type: 't', source: '/s', dataContentType: 'application/octet-stream', data: new Uint8Array([0, 255, 7]) });
    const text = createEnvelope({ type: 't', source: '/s', dataContentType: 'text/plain', data: 'héllo' });
    expect(decodeAmqpMessage(encodeAmqpMessage(bytes))).toEqual(bytes);
    expect(decodeAmqpMessage(encodeAmqpMessage(text))).toEqual(text);
  });

  it('sends dataJson as the body when given, and persistent delivery with message-id = envelope id', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: { a: 1 } });
    const message = encodeAmqpMessage(envelope, { dataJson: '{ "a": 1 }' });
    expect(Buffer.from(message.content).toString()).toBe('{ "a": 1 }');
    expect(message.properties).toMatchObject({ messageId: envelope.id, deliveryMode: 2, contentType: 'application/json' });
    expect(encodeAmqpMessage(envelope, { persistent: false }).properties.deliveryMode).toBe(1);
  });

  it('lets extra headers through but never over the codec own ones', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: 1 });
    const headers = encodeAmqpMessage(envelope, { headers: { 'x-tenant': 'acme', 'cloudEvents:id': 'forged' } }).properties.headers!;
    expect(headers['x-tenant']).toBe('acme');
    expect(headers['cloudEvents:id']).toBe(envelope.id);
  });

  it('fails to encode data JSON cannot represent with RabbitMqEncodeError (not retryable)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const envelope = createEnvelope({ type: 't', source: '/s', data: cyclic });
    const attempt = () => encodeAmqpMessage(envelope);
    expect(attempt).toThrow(RabbitMqEncodeError);
    expect(() => encodeAmqpMessage(createEnvelope({ type: 't', source: '/s', data: 1n }))).toThrow(/cannot be encoded/);
  });

  it('names the header at fault and never the value', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: 1 });
    const message = encodeAmqpMessage(envelope);
    const withoutSource = { ...message, properties: { ...message.properties, headers: { ...message.properties.headers, 'cloudEvents:source': undefined } } };
    const result = tryDecodeAmqpMessage(withoutSource);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(RabbitMqDecodeError);
      expect(result.error).toMatchObject({ code: 'MESSAGE_DECODE', property: 'cloudEvents:source' });
    }
    const secret = { ...message, content: Buffer.from('{"password":"hunter2"'), properties: message.properties };
    const bad = tryDecodeAmqpMessage(secret);
    expect(bad.ok === false && bad.error.property).toBe('body');
    expect(bad.ok === false && bad.error.message).not.toContain('hunter2');
    expect(tryDecodeAmqpMessage({ content: new Uint8Array(), properties: {} })).toMatchObject({ ok: false, error: { property: 'cloudEvents:specversion' } });
    expect(tryDecodeAmqpMessage({ content: new Uint8Array(), properties: { contentType: 'application/cloudevents-batch+json' } })).toMatchObject({ ok: false, error: { property: 'content-type' } });
  });

  it('never throws on arbitrary bodies and headers (fuzz): a typed error or an envelope', () => {
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.boolean(), fc.integer(), fc.double(), fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)), fc.constant(null), fc.record({ '!': fc.constantFrom('timestamp', 'long', 'decimal'), value: fc.oneof(fc.integer(), fc.string()) }));
    const name = fc.oneof(fc.constantFrom('cloudEvents:specversion', 'cloudEvents:id', 'cloudEvents:type', 'cloudEvents:source', 'cloudEvents:time', 'cloudEvents:x', 'traceparent'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.option(fc.constantFrom('application/json', 'text/plain', 'application/cloudevents+json', 'application/octet-stream')), fc.dictionary(name, value), (content, contentType, headers) => {
        const result = tryDecodeAmqpMessage({ content, properties: { contentType: contentType ?? undefined, headers } });
        if (!result.ok) expect(RabbitMqDecodeError.isInstance(result.error)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
