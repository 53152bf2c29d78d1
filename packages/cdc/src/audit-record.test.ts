import { describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture } from './__fixtures__/load-fixture.js';
import { toAuditRecord } from './audit-record.js';
import { createCdcParser } from './cdc-parser.js';
import type { ChangeEvent } from './change-event.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function eventsOf(name: string): ChangeEvent[] {
  const fixture = loadFixture(name);
  return createCdcParser().parse(fixture.value, { key: fixture.key, topic: fixture.topic });
}

describe('toAuditRecord', () => {
  it('is value-free by default: ids, table, operation, time, changed field names', () => {
    const [event] = eventsOf('maxwell-update-with-old.json');
    const record = toAuditRecord(event!)!;
    expect(record).toEqual({
      id: record.id,
      format: 'maxwell',
      kind: 'change',
      operation: 'update',
      database: 'test',
      schema: null,
      table: 'product',
      occurredAt: '2020-08-06T03:35:06.000Z',
      occurredAtMs: 1596684906000,
      transactionId: '7216',
      position: 'ordinal 7216',
      changedFields: ['address'],
      unknownFields: [],
      keyChanged: false,
    });
    expect(record.id).toMatch(UUID_V8);
    expect(JSON.stringify(record)).not.toContain('Beijing');
  });

  it('includes key and values (JSON-safe) only when asked', () => {
    const [event] = eventsOf('debezium-pg-update-toast-unavailable.record.json');
    const record = toAuditRecord(event!, { includeKey: true, includeValues: true })!;
    expect(record.key).toEqual({ id: 1001 });
    expect(record.before).toBeNull();
    expect(record.after).toEqual({ id: 1001, first_name: 'Tom', last_name: 'Wolfe', biography: { $unavailable: true }, dob: -1257206400000000 });
    expect(record.position).toBe('postgres lsn=0/20D24E0'); // 34415840
    expect(() => JSON.stringify(record)).not.toThrow();
  });

  it('the id is deterministic: the same message parsed twice (or by another parser) gives the same id', () => {
    for (const name of fixtureNames()) {
      const first = eventsOf(name).map((event) => toAuditRecord(event)?.id);
      const second = eventsOf(name).map((event) => toAuditRecord(event)?.id);
      expect(second).toEqual(first);
    }
  });

  it('different changes get different ids', () => {
    const ids = fixtureNames()
      .flatMap(eventsOf)
      .map((event) => toAuditRecord(event)?.id)
      .filter((id): id is string => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('snapshot rows sharing one LSN are told apart by their key', () => {
    const parser = createCdcParser();
    const row = (id: number) => parser.parseOne(JSON.stringify({ after: { id }, op: 'r', source: { connector: 'postgresql', db: 'd', schema: 's', table: 't', snapshot: 'true', lsn: 42 } }), { key: JSON.stringify({ id }) });
    expect(toAuditRecord(row(1))!.id).not.toBe(toAuditRecord(row(2))!.id);
    expect(toAuditRecord(row(1))!.id).toBe(toAuditRecord(row(1))!.id);
  });

  it('null for events that change no data; schema changes and truncates are audited', () => {
    for (const name of ['debezium-pg-tombstone-after-delete.record.json', 'debezium-heartbeat-with-schema.record.json', 'debezium-txmeta-begin.record.json', 'debezium-pg-logical-message-transactional.record.json']) {
      expect(toAuditRecord(eventsOf(name)[0]!)).toBeNull();
    }
    expect(toAuditRecord(eventsOf('canal-flat-ddl-alter.json')[0]!)).toMatchObject({ kind: 'schema-change', operation: null, table: 't1', changedFields: [] });
    expect(toAuditRecord(eventsOf('debezium-pg-truncate.record.json')[0]!)).toMatchObject({ kind: 'truncate', operation: 'truncate', table: 'customers' });
  });
});
