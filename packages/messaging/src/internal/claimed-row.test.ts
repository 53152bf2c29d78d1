import { createEnvelope, toCloudEvent } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { decodeClaimedRow, decodeClaimedRows, idArrayLiteral, toPublishMessage, type Claimed } from './claimed-row.js';

/** A claimed row as the claim statement builds it: [id, message id, destination, key, attempts, unfinished claims, created at ms, headers, attributes, data JSON]. */
function claimedRow(columns: { envelope: unknown; data_json: string | null; headers?: unknown }): Claimed {
  return decodeClaimedRow(['7', 'm-7', 'orders', 'k', 1, 0, 1, columns.headers ?? {}, columns.envelope, columns.data_json]);
}

/** Splits a stored CloudEvent as the claim does: attributes without data, and the data's JSON text. */
function asClaimed(ce: Record<string, unknown>, dataJson = ce.data === undefined ? null : JSON.stringify(ce.data)): Claimed {
  const { data: _data, ...attributes } = ce;
  return claimedRow({ envelope: attributes, data_json: dataJson });
}

describe('decodeClaimedRows', () => {
  it('reads the claim\'s JSON array text in the order given, and nothing from NULL', () => {
    const text = JSON.stringify([
      ['9', 'm-9', 'orders', null, 2, 1, 1700000000000.5, { tenant: 'acme' }, { id: 'm-9' }, '{"n": 1}'],
      ['10', 'm-10', 'audit', 'k-1', 1, 0, 1700000000001, {}, { id: 'm-10' }, null],
    ]);
    const rows = decodeClaimedRows(text);
    expect(rows.map((r) => r.ref)).toEqual([
      { id: '9', messageId: 'm-9', destination: 'orders', partitionKey: undefined, attempt: 2 },
      { id: '10', messageId: 'm-10', destination: 'audit', partitionKey: 'k-1', attempt: 1 },
    ]);
    expect(rows[0]).toMatchObject({ unfinishedClaims: 1, createdAtMs: 1700000000000.5, headers: { tenant: 'acme' }, attributes: { id: 'm-9' }, dataJson: '{"n": 1}' });
    expect(rows[1]!.dataJson).toBeUndefined();
    expect(decodeClaimedRows(null)).toEqual([]);
    expect(decodeClaimedRows(JSON.parse(text) as unknown)).toHaveLength(2);
  });

  it('decodes a row of the wrong shape to empty fields (its envelope then fails validation)', () => {
    const [row] = decodeClaimedRows('[{"not": "an array"}]');
    expect(row).toMatchObject({ ref: { id: '', messageId: '', attempt: 0 }, attributes: undefined, dataJson: undefined });
    expect(() => toPublishMessage(row!)).toThrow();
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

  it('keeps only string headers', () => {
    const envelope = createEnvelope({ type: 't', source: '/s', data: {} });
    const { data: _data, ...attributes } = toCloudEvent(envelope) as Record<string, unknown>;
    const claimed = claimedRow({ envelope: attributes, data_json: '{}', headers: { tenant: 'acme', n: 1 } });
    expect(toPublishMessage(claimed).headers).toEqual({ tenant: 'acme' });
  });
});
