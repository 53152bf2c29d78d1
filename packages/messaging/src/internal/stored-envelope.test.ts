import { createEnvelope, toCloudEvent } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { decodeStoredEnvelope } from './stored-envelope.js';

describe('decodeStoredEnvelope', () => {
  const envelope = createEnvelope({ type: 't', source: '/s', data: { b: 1, a: [true, null] }, partitionKey: 'k' });
  const { data, ...attributes } = toCloudEvent(envelope);

  it('puts the data column back into the attributes, from parsed or text columns', () => {
    expect(decodeStoredEnvelope(attributes, JSON.stringify(data))).toEqual(envelope);
    expect(decodeStoredEnvelope(JSON.stringify(attributes), JSON.stringify(data))).toEqual(envelope);
  });

  it('decodes a row written before the data column (data inside the envelope) whole', () => {
    expect(decodeStoredEnvelope(toCloudEvent(envelope), undefined)).toEqual(envelope);
  });

  it('rejects data in both places, and attributes that are not an envelope', () => {
    expect(() => decodeStoredEnvelope(toCloudEvent(envelope), '{"a":2}')).toThrow(/both/);
    expect(() => decodeStoredEnvelope('"just a string"', '{}')).toThrow();
    expect(() => decodeStoredEnvelope({ specversion: '0.3' }, undefined)).toThrow(/specversion/);
  });
});
