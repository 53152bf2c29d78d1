// Differential tests against the CloudEvents JS SDK (`cloudevents`, the CNCF reference SDK): events
// go SDK -> @iap -> SDK and @iap -> SDK -> @iap, through the SDK's structured and binary HTTP modes,
// with typed extensions (integers, booleans, strings). Our codec writes structured JSON only; binary
// mode is the SDK's, and there extension values travel as header strings by the HTTP binding's rules.
import { CloudEvent, HTTP, type Message } from 'cloudevents';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromCloudEvent, toCloudEvent } from './cloud-event.js';
import { createEnvelope, type Envelope } from './envelope.js';
import { decodeEnvelope, encodeEnvelope } from './envelope-codec.js';
import { RESERVED_EXTENSION_NAMES } from './envelope-validation.js';

const STRUCTURED_HEADERS = { 'content-type': 'application/cloudevents+json; charset=utf-8' };

/** Our bytes, read by the SDK as an HTTP structured-mode request. */
function sdkFromOurBytes(bytes: Uint8Array): CloudEvent<unknown> {
  return HTTP.toEvent({ headers: STRUCTURED_HEADERS, body: new TextDecoder().decode(bytes) }) as CloudEvent<unknown>;
}

/** An SDK event as structured-mode body text, for our decoder. */
function structuredBody(event: CloudEvent<unknown>): string {
  const message: Message = HTTP.structured(event);
  return message.body as string;
}

/** The SDK's attributes of an event, without data (compared separately). */
function attributes(event: CloudEvent<unknown>): Record<string, unknown> {
  const { data: _data, ...rest } = event.toJSON();
  return rest;
}

const sdkEvent = new CloudEvent<unknown>({
  specversion: '1.0',
  id: 'b3b2f1e0-0001',
  source: 'https://orders.acme.com/v1',
  type: 'com.acme.order.placed',
  subject: 'ORD-1001',
  time: '2026-01-31T12:00:00.000Z',
  datacontenttype: 'application/json',
  dataschema: 'https://schemas.acme.com/order-placed/1',
  data: { orderId: 'ORD-1001', lines: [{ sku: 'a', qty: 2 }] },
  sequence: 42,
  negative: -7,
  sampled: true,
  archived: false,
  tenant: 'acme',
  averyverylongextensionname: 'kept',
});

describe('CloudEvents SDK differential: SDK -> @iap -> SDK', () => {
  it('structured mode keeps every attribute and the types of integer and boolean extensions', () => {
    const envelope = decodeEnvelope(structuredBody(sdkEvent));
    expect(envelope.extensions).toMatchObject({ sequence: 42, negative: -7, sampled: true, archived: false, tenant: 'acme', averyverylongextensionname: 'kept' });
    expect(envelope.dataSchemaUri).toBe('https://schemas.acme.com/order-placed/1');
    const back = sdkFromOurBytes(encodeEnvelope(envelope));
    // ours adds schemaversion ("1") to an event that had none
    expect(attributes(back)).toEqual({ ...attributes(sdkEvent), schemaversion: '1' });
    expect(back.data).toEqual(sdkEvent.data);
    expect(typeof back.sequence).toBe('number');
    expect(typeof back.sampled).toBe('boolean');
  });

  it('binary mode: the SDK reads extensions back as strings; we keep what it gives and give it back unchanged', () => {
    const received = HTTP.toEvent(HTTP.binary(sdkEvent)) as CloudEvent<unknown>;
    const envelope = fromCloudEvent(received.toJSON());
    const back = sdkFromOurBytes(encodeEnvelope(envelope));
    expect(attributes(back)).toEqual({ ...attributes(received), schemaversion: '1' });
    expect(back.data).toEqual(sdkEvent.data);
  });
});

const extName = fc.stringMatching(/^[a-z][a-z0-9]{0,24}$/).filter((name) => !RESERVED_EXTENSION_NAMES.has(name) && !['data', 'dataschema'].includes(name));
const extValue = fc.oneof(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }), fc.boolean(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const text = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 });

const envelopeArb: fc.Arbitrary<Envelope> = fc
  .record(
    {
      type: text,
      source: fc.oneof(fc.webUrl(), fc.constantFrom('/orders', 'urn:acme:orders')),
      subject: text,
      correlationId: text,
      partitionKey: text,
      dataSchemaUri: fc.webUrl(),
      extensions: fc.dictionary(extName, extValue, { maxKeys: 5 }),
      // truthy only: the SDK (v10) drops falsy data (null, false, 0, ''), reading it back as no data;
      // that is the SDK's limitation, so such data cannot survive a trip through it
      data: fc.jsonValue({ maxDepth: 3 }).filter((value) => Boolean(value)).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
      time: fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0, 1)), noInvalidDate: true }),
    },
    { requiredKeys: ['type', 'source', 'extensions', 'data', 'time'] },
  )
  .map((input) => createEnvelope(input));

describe('CloudEvents SDK differential: @iap -> SDK -> @iap (property, seeded)', () => {
  it('structured mode: the SDK reads our bytes with the same attributes and typed extensions, and its bytes decode to the same envelope', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const sdk = sdkFromOurBytes(encodeEnvelope(envelope));
        expect(attributes(sdk)).toEqual(attributes(new CloudEvent<unknown>(toCloudEvent(envelope) as never, false)));
        for (const [name, value] of Object.entries(envelope.extensions)) expect(sdk[name]).toStrictEqual(value);
        expect(decodeEnvelope(structuredBody(sdk))).toEqual(envelope);
      }),
      { seed: 1018, numRuns: 300 },
    );
  });

  it('binary mode: every extension arrives in its canonical string form (HTTP binding), everything else unchanged', () => {
    fc.assert(
      // objects and arrays only: the SDK's binary mode refuses other JSON data ("allowed are: string or object")
      fc.property(envelopeArb.filter((envelope) => typeof envelope.data === 'object'), (envelope) => {
        const sdk = sdkFromOurBytes(encodeEnvelope(envelope));
        const received = HTTP.toEvent(HTTP.binary(sdk)) as CloudEvent<unknown>;
        const back = fromCloudEvent(received.toJSON());
        const { extensions, ...rest } = back;
        const { extensions: sent, ...expected } = envelope;
        expect(rest).toEqual(expected);
        // the SDK reads some header values back as strings and some as numbers; the text is the same
        const asText = (values: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));
        expect(asText(extensions)).toEqual(asText(sent));
      }),
      { seed: 1019, numRuns: 300 },
    );
  });
});
