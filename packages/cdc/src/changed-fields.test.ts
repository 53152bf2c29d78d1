import { describe, expect, it } from 'vitest';
import { createCdcParser } from './cdc-parser.js';
import { changedFields } from './changed-fields.js';
import type { ChangeEvent } from './change-event.js';
import { Decimal } from './decimal.js';
import { valuesEqual } from './internal/value-equality.js';
import { Unavailable } from './unavailable.js';

const parser = createCdcParser();
const SOURCE = { connector: 'postgresql', db: 'shop', schema: 'public', table: 'orders', snapshot: 'false', lsn: 1 };

function update(before: object | null, after: object, key?: object): ChangeEvent {
  return parser.parseOne(JSON.stringify({ before, after, op: 'u', source: SOURCE }), key === undefined ? {} : { key: JSON.stringify(key) });
}

describe('changedFields', () => {
  it('full before image: compares every field; key unchanged', () => {
    const diff = changedFields(update({ id: 1, name: 'a', qty: 2 }, { id: 1, name: 'b', qty: 2 }, { id: 1 }));
    expect(diff).toEqual({ fields: { id: 'unchanged', name: 'changed', qty: 'unchanged' }, changed: ['name'], unchanged: ['id', 'qty'], unknown: [], keyChanged: false });
  });

  it('reports a primary-key change', () => {
    const diff = changedFields(update({ id: 1, name: 'a' }, { id: 2, name: 'a' }, { id: 2 }));
    expect(diff.keyChanged).toBe(true);
    expect(diff.changed).toEqual(['id']);
  });

  it('no before image: everything unknown, including the key', () => {
    const diff = changedFields(update(null, { id: 1, name: 'b' }, { id: 1 }));
    expect(diff.unknown).toEqual(['id', 'name']);
    expect(diff.keyChanged).toBe('unknown');
  });

  it('key-only before image (key columns only, others null): only the key is compared', () => {
    const event = update({ id: 1, name: null, qty: null }, { id: 1, name: 'b', qty: 3 }, { id: 1 });
    expect(event.beforeImage).toBe('key-only');
    expect(changedFields(event).fields).toEqual({ id: 'unchanged', name: 'unknown', qty: 'unknown' });
  });

  it('an after image that is also null in those columns is a full image (nothing to hide)', () => {
    const event = update({ id: 1, name: null }, { id: 1, name: null }, { id: 1 });
    expect(event.beforeImage).toBe('full');
    expect(changedFields(event).unchanged).toEqual(['id', 'name']);
  });

  it('Unavailable (TOAST) after values are unchanged; an unavailable before value is unknown', () => {
    expect(changedFields(update({ id: 1, bio: 'x' }, { id: 1, bio: '__debezium_unavailable_value' })).fields.bio).toBe('unchanged');
    expect(changedFields(update({ id: 1, bio: '__debezium_unavailable_value' }, { id: 1, bio: 'new' })).fields.bio).toBe('unknown');
  });

  it('columns present on one side only are unknown', () => {
    expect(changedFields(update({ id: 1, gone: 1 }, { id: 1, added: 2 })).fields).toEqual({ id: 'unchanged', added: 'unknown', gone: 'unknown' });
  });

  it('inserts, reads and deletes: every field changed; upserts unknown; other kinds nothing', () => {
    const insert = parser.parseOne(JSON.stringify({ after: { id: 1, a: 2 }, op: 'c', source: SOURCE }));
    expect(changedFields(insert)).toMatchObject({ changed: ['id', 'a'], keyChanged: false });
    const del = parser.parseOne(JSON.stringify({ before: { id: 1 }, op: 'd', source: SOURCE }));
    expect(changedFields(del).changed).toEqual(['id']);
    const upsert = parser.parseOne('{"id":1,"__deleted":"false"}');
    expect(changedFields(upsert)).toMatchObject({ unknown: ['id'], keyChanged: 'unknown' });
    const tombstone = parser.parseOne(null, { key: '{"id":1}' });
    expect(changedFields(tombstone)).toEqual({ fields: {}, changed: [], unchanged: [], unknown: [], keyChanged: false });
  });

  it('compares decoded values by value: bigints, decimals, bytes, dates, nested JSON', () => {
    expect(valuesEqual(1, 1n)).toBe(true);
    expect(valuesEqual(1.5, 1n)).toBe(false);
    expect(valuesEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(valuesEqual(Decimal.parse('1.10'), Decimal.parse('1.1'))).toBe(true);
    expect(valuesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(valuesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(valuesEqual(new Date(5), new Date(5))).toBe(true);
    expect(valuesEqual({ a: [1, { b: 2n }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(valuesEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(valuesEqual(Unavailable, Unavailable)).toBe(true);
    expect(valuesEqual(Unavailable, '__debezium_unavailable_value')).toBe(false);
    const deep = JSON.parse('['.repeat(400) + ']'.repeat(400)) as unknown;
    expect(valuesEqual(deep, JSON.parse('['.repeat(400) + ']'.repeat(400)))).toBe(false); // cut off, never a stack overflow
  });
});
