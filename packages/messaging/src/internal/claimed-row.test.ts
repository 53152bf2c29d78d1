import { createEnvelope, seededRandom, toCloudEvent } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { compareRowIds, decodeClaimedRow, idArrayLiteral, toPublishMessage, type ClaimedRow } from './claimed-row.js';

function claimedRow(columns: Record<string, unknown>): ClaimedRow {
  return decodeClaimedRow({ id: '7', message_id: 'm-7', destination: 'orders', partition_key: 'k', attempts: 1, unfinished_claims: 0, created_at_ms: 1, lease_token: '3', headers: {}, ...columns });
}

/** Splits a stored CloudEvent as the claim does: attributes without data, and the data's JSON text. */
function asClaimed(ce: Record<string, unknown>, dataJson = ce.data === undefined ? null : JSON.stringify(ce.data)): ClaimedRow {
  const { data: _data, ...attributes } = ce;
  return claimedRow({ envelope: attributes, data_json: dataJson });
}

describe('compareRowIds', () => {
  it('orders decimal ids as numbers (seeded, against BigInt)', () => {
    const random = seededRandom(42);
    const ids = Array.from({ length: 2_000 }, () => String(BigInt(Math.floor(random() * 2 ** 53)) * BigInt(1 + Math.floor(random() * 1000))));
    ids.push('0', '9', '10', '99', '100', '9223372036854775807');
    const rows = ids.map((id) => ({ claimed: { ref: { id } } }) as ClaimedRow);
    const sorted = [...rows].sort(compareRowIds).map((r) => r.claimed.ref.id);
    const expected = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    expect(sorted).toEqual(expected);
  });
});

describe('idArrayLiteral', () => {
  it('writes a PostgreSQL array literal', () => {
    expect(idArrayLiteral(['1', '22', '333'])).toBe('{1,22,333}');
    expect(idArrayLiteral([])).toBe('{}');
  });
});

describe('toPublishMessage', () => {
  it('passes JSON data on as text and parses it only when read', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: { a: [1, 2], b: 'x' }, partitionKey: 'k', extensions: { tenant: 'acme' } });
    const text = '{"a": [1, 2], "b": "x"}';
    const message = toPublishMessage(asClaimed(toCloudEvent(envelope), text));
    expect(message.dataJson).toBe(text);
    expect(message.envelope.data).toEqual({ a: [1, 2], b: 'x' });
    expect(message.envelope.data).toBe(message.envelope.data);
    expect(message.envelope).toEqual(envelope);
    expect(message).toMatchObject({ id: 'm-7', destination: 'orders', partitionKey: 'k', headers: {} });
  });

  it('decodes data of other content types and binary data eagerly, without dataJson', () => {
    const text = createEnvelope({ type: 't', source: '/s', data: 'plain words', dataContentType: 'text/plain' });
    const plain = toPublishMessage(asClaimed(toCloudEvent(text)));
    expect(plain.dataJson).toBeUndefined();
    expect(plain.envelope).toEqual(text);
    const bytes = createEnvelope({ type: 't', source: '/s', data: new Uint8Array([0, 1, 255]) });
    const binary = toPublishMessage(asClaimed(toCloudEvent(bytes)));
    expect(binary.dataJson).toBeUndefined();
    expect(binary.envelope.data).toEqual(new Uint8Array([0, 1, 255]));
  });

  it('rejects invalid attributes and data next to data_base64', () => {
    expect(() => toPublishMessage(claimedRow({ envelope: { specversion: '0.3' }, data_json: '{}' }))).toThrow(/specversion/);
    expect(() => toPublishMessage(claimedRow({ envelope: 'just a string', data_json: null }))).toThrow();
    const envelope = createEnvelope({ type: 't', source: '/s', data: new Uint8Array([1]) });
    expect(() => toPublishMessage(asClaimed(toCloudEvent(envelope) as Record<string, unknown>, '{"x":1}'))).toThrow(/data_base64/);
  });

  it('decodes a row whose envelope still holds its data (written before the data column) whole', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: { b: 1, a: [true] }, partitionKey: 'k' });
    const message = toPublishMessage(claimedRow({ envelope: toCloudEvent(envelope), data_json: null }));
    expect(message.dataJson).toBeUndefined();
    expect(message.envelope).toEqual(envelope);
  });

  it('rejects a row holding data both in its envelope and in its data column', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: { a: 1 } });
    expect(() => toPublishMessage(claimedRow({ envelope: toCloudEvent(envelope), data_json: '{"a":2}' }))).toThrow(/both/);
  });

  it('keeps only string headers', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: {} });
    const claimed = decodeClaimedRow({ ...asClaimed(toCloudEvent(envelope)).row, headers: '{"tenant":"acme","n":1}' });
    expect(toPublishMessage(claimed).headers).toEqual({ tenant: 'acme' });
  });
});
