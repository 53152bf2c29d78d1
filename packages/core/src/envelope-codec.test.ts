import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromCloudEvent, toCloudEvent } from './cloud-event.js';
import { createEnvelope, type Envelope } from './envelope.js';
import { decodeEnvelope, encodeEnvelope } from './envelope-codec.js';
import { RESERVED_EXTENSION_NAMES } from './envelope-validation.js';
import { IapError } from './iap-error.js';
import { isValidationError } from './validation-error.js';

const id = fc.string({ minLength: 1, maxLength: 40 });
const extName = fc.stringMatching(/^[a-z0-9]{1,30}$/).filter((n) => !RESERVED_EXTENSION_NAMES.has(n));
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)).filter((s) => /[1-9a-f]/.test(s));
const jsonData = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown); // normalise -0

const uriReference = fc.oneof(fc.webPath().map((path) => `/${path.replace(/^\/+/, '')}`), fc.webUrl(), fc.constantFrom('urn:acme:orders', 'orders-service', '//host.example/x'));
const extensionValue = fc.oneof(fc.string({ maxLength: 30 }), fc.boolean(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const tracestate = fc.constantFrom('vendor=abc', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', 'tenant@sys=a b');

const envelopeArb: fc.Arbitrary<Envelope> = fc
  .record(
    {
      id,
      type: id,
      source: uriReference,
      subject: id,
      time: fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString()),
      schemaVersion: id,
      correlationId: id,
      causationId: id,
      partitionKey: fc.string({ maxLength: 40 }),
      dataContentType: fc.constantFrom('application/json', 'application/vnd.acme+json', 'text/plain', 'application/octet-stream'),
      dataSchemaUri: fc.webUrl(),
      data: fc.oneof(jsonData, fc.uint8Array({ maxLength: 64 })),
      extensions: fc.dictionary(extName, extensionValue, { maxKeys: 4 }),
      trace: fc.record({
        traceparent: fc.tuple(hex(32), hex(16), fc.constantFrom('00', '01')).map(([t, s, f]) => `00-${t}-${s}-${f}`),
        tracestate,
      }, { requiredKeys: ['traceparent'] }),
    },
    { requiredKeys: ['id', 'type', 'source', 'time', 'schemaVersion', 'dataContentType', 'data', 'extensions'] },
  )
  .map(({ trace, ...e }) => ({ ...e, ...trace }));

describe('encodeEnvelope / decodeEnvelope', () => {
  it('property: decode(encode(e)) equals e for any valid envelope', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const back = decodeEnvelope(encodeEnvelope(envelope));
        expect(back).toEqual(envelope);
      }),
      { seed: 1126, numRuns: 1500 },
    );
  });

  it('property: CloudEvents mapping is lossless in both directions', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const ce = toCloudEvent(envelope);
        expect(ce.specversion).toBe('1.0');
        expect(fromCloudEvent(ce)).toEqual(envelope);
        expect(toCloudEvent(fromCloudEvent(ce))).toEqual(ce);
      }),
      { seed: 99, numRuns: 1000 },
    );
  });

  it('writes CloudEvents structured JSON with mapped extension names', () => {
    const envelope = createEnvelope({
      id: 'e-1', type: 'order.placed', source: '/orders', time: '2026-01-31T12:00:00.000Z', data: { orderId: 'o-1' },
      correlationId: 'c-1', causationId: 'p-0', partitionKey: 'o-1', schemaVersion: '3', extensions: { tenant: 'acme' },
    });
    expect(JSON.parse(new TextDecoder().decode(encodeEnvelope(envelope)))).toEqual({
      specversion: '1.0', id: 'e-1', source: '/orders', type: 'order.placed', time: '2026-01-31T12:00:00.000Z',
      datacontenttype: 'application/json', schemaversion: '3', correlationid: 'c-1', causationid: 'p-0', partitionkey: 'o-1',
      tenant: 'acme', data: { orderId: 'o-1' },
    });
  });

  it('reads CloudEvents from other producers: non-string extensions, missing optional attributes, data_base64', () => {
    const envelope = fromCloudEvent({
      specversion: '1.0', id: 'x', source: 'urn:s', type: 't', time: '2026-01-31T12:00:00+01:00', sequence: 42, sampled: true,
      data_base64: 'AAEC',
    });
    // integers and booleans keep their type, so SDK -> @iap -> SDK gives the same event back
    expect(envelope.extensions).toEqual({ sequence: 42, sampled: true });
    expect(toCloudEvent(envelope)).toMatchObject({ sequence: 42, sampled: true });
    expect(envelope.schemaVersion).toBe('1');
    expect(envelope.data).toEqual(new Uint8Array([0, 1, 2]));
  });

  it('validates data against a schema while decoding', () => {
    const bytes = encodeEnvelope(createEnvelope({ type: 't', source: '/s', data: { n: 'x' } }));
    expect(() => decodeEnvelope(bytes, { dataSchema: z.object({ n: z.number() }) })).toThrowError(expect.objectContaining({ code: 'VALIDATION' }));
    expect(decodeEnvelope(bytes, { dataSchema: z.object({ n: z.string() }) }).data.n).toBe('x');
  });

  it('reports invalid UTF-8, invalid JSON and invalid CloudEvents with typed errors', () => {
    expect(() => decodeEnvelope(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrowError(expect.objectContaining({ code: 'DECODE', message: 'envelope bytes are not valid UTF-8 (at byte 1)', details: { byteOffset: 1 } }));
    expect(() => decodeEnvelope('{"secret": "hunter2"')).toThrowError(expect.objectContaining({ code: 'DECODE' }));
    try {
      decodeEnvelope('{"secret": hunter2}');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(() => decodeEnvelope('{"specversion":"0.3","id":"x"}')).toThrowError(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => decodeEnvelope('{"specversion":"1.0","id":"x","source":"s","type":"t","time":"2026-01-31T12:00:00Z","data":1,"data_base64":"AA=="}')).toThrowError(
      expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('data_base64') }),
    );
  });

  it('reports data that JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const envelope = createEnvelope({ type: 't', source: '/s', data: cyclic });
    expect(() => encodeEnvelope(envelope)).toThrowError(expect.objectContaining({ code: 'DECODE' }));
  });

  it('fuzz: arbitrary bytes and JSON only ever produce IapErrors', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json().map((j) => new TextEncoder().encode(j)), fc.jsonValue().map((v) => JSON.stringify({ specversion: '1.0', ...(typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { data: v }) }))), (input) => {
        try {
          decodeEnvelope(input);
        } catch (error) {
          expect(IapError.isInstance(error)).toBe(true);
          if (!isValidationError(error)) expect((error as IapError).code).toBe('DECODE');
        }
      }),
      { seed: 5, numRuns: 2000 },
    );
  });
});
