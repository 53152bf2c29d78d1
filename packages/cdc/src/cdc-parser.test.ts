import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { CdcErrorCode } from './cdc-error-codes.js';
import { catchCdcParseError } from './__fixtures__/catch-cdc-parse-error.js';
import { createCdcParser, parseChange, parseChanges, safeParseChanges, type CdcInput } from './cdc-parser.js';
import type { CdcParserOptions } from './cdc-parser-options.js';
import { changedFields } from './changed-fields.js';

const PG_SOURCE = { version: '2.7.0.Final', connector: 'postgresql', name: 'app', ts_ms: 1700000000000, snapshot: 'false', db: 'shop', schema: 'public', table: 'orders', txId: 9, lsn: 1234 };

function debezium(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ before: null, after: { id: 1, total: 10 }, source: PG_SOURCE, op: 'c', ts_ms: 1700000000100, transaction: null, ...overrides });
}

function canal(rows: object[], overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ data: rows, database: 'db', es: 1, id: 7, isDdl: false, mysqlType: { id: 'bigint(20) unsigned', price: 'decimal(10,2)' }, old: null, pkNames: ['id'], sql: '', table: 't', ts: 2, type: 'INSERT', ...overrides });
}

describe('parseChanges / parseChange / safeParseChanges', () => {
  it('parseChange returns the single event; several or none is an event-count error', () => {
    expect(parseChange(debezium()).operation).toBe('insert');
    const two = canal([{ id: '1', price: '1.5' }, { id: '2', price: '2' }]);
    expect(parseChanges(two).map((event) => [event.indexInMessage, event.after])).toEqual([
      [0, { id: 1, price: '1.50' }],
      [1, { id: 2, price: '2.00' }],
    ]);
    expect(catchCdcParseError(() => parseChange(two))).toMatchObject({ reason: 'event-count', format: 'canal' });
    expect(parseChanges('{"change":[]}')).toEqual([]);
    expect(catchCdcParseError(() => parseChange('{"change":[]}')).message).toContain('holds 0 events');
  });

  it('safeParseChanges never throws for bad input', () => {
    const ok = safeParseChanges(debezium());
    expect(ok.ok && ok.events).toHaveLength(1);
    const bad = safeParseChanges('{"op":');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: CdcErrorCode.CDC_PARSE, reason: 'invalid-json', offset: 6 });
  });

  it('passes key and topic through the one-call functions', () => {
    const event = parseChange(debezium(), { key: '{"id":1}', topic: 'app.public.orders' });
    expect(event).toMatchObject({ key: { id: 1 }, primaryKey: ['id'], topic: 'app.public.orders' });
  });

  it('invalid options fail at construction with INVALID_OPTIONS naming the option', () => {
    const bad: CdcParserOptions[] = [
      { format: 'protobuf' as never },
      { decimalMode: 'float' as never },
      { maxDepth: 1 },
      { maxInputBytes: 0 },
      { lossless: 'yes' as never },
      { unavailablePlaceholder: '' },
      { schemaCacheSize: -1 },
      { columnTypes: { t: { c: { type: 'money' } } } as never },
      { columnTypes: { t: { c: { type: 'decimal', scale: 1.5 } } } },
      { columnTypes: { t: { c: { type: 'bytes', encoding: 'text' } } } as never },
      { columnTypes: { t: { c: { type: 'decimal', encoding: 'hex' } } } as never },
      { columnTypes: { t: [] } as never },
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        createCdcParser(options);
      } catch (caught) {
        error = caught;
      }
      expect(IapError.isInstance(error) && error.code).toBe(ErrorCode.INVALID_OPTIONS);
      expect((error as Error).message).toMatch(/option \S+/);
    }
  });
});

describe('input handling', () => {
  it('null, empty bytes and empty text are tombstones; the key is decoded', () => {
    for (const value of [null, new Uint8Array(0), ''] as CdcInput[]) {
      expect(parseChange(value, { key: '{"id":5}' })).toMatchObject({ kind: 'tombstone', key: { id: 5 }, format: 'debezium' });
    }
    expect(parseChange('{"schema":null,"payload":null}')).toMatchObject({ kind: 'tombstone' });
  });

  it('accepts parsed objects (with bigints) and rejects what is not JSON data', () => {
    const event = parseChange({ op: 'c', after: { id: 2n ** 64n }, source: PG_SOURCE });
    expect(event.after).toEqual({ id: 18446744073709551616n });
    expect(catchCdcParseError(() => parseChanges({ op: 'c', after: { f: () => 1 } }))).toMatchObject({ reason: 'invalid-input', path: 'after.f' });
    expect(catchCdcParseError(() => parseChanges({ op: 'c', after: { n: Number.NaN } }))).toMatchObject({ reason: 'invalid-input', path: 'after.n' });
    expect(catchCdcParseError(() => parseChanges({ op: 'c', after: { d: new Map() } })).reason).toBe('invalid-input');
    expect(catchCdcParseError(() => parseChanges(42 as unknown as CdcInput)).reason).toBe('invalid-input');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = deep.x = {};
    expect(catchCdcParseError(() => parseChanges(root)).reason).toBe('too-deep');
  });

  it('rejects invalid UTF-8 and oversized input', () => {
    expect(catchCdcParseError(() => parseChanges(new Uint8Array([0x7b, 0xff, 0x7d]))).reason).toBe('invalid-utf8');
    expect(catchCdcParseError(() => parseChanges(debezium(), { maxInputBytes: 10 }))).toMatchObject({ reason: 'too-large', format: 'unknown' });
  });

  it('JSON syntax errors say where, never what the text was', () => {
    const error = catchCdcParseError(() => parseChanges('{"after":{"password":"s3cret" "x":1}}'));
    expect(error).toMatchObject({ reason: 'invalid-json', path: 'after', offset: 30 });
    expect(error.message).not.toContain('s3cret');
    expect(error.details).toMatchObject({ reason: 'invalid-json', path: 'after', offset: 30 });
  });

  it('a message of no known shape is unknown-format with a hint', () => {
    const error = catchCdcParseError(() => parseChanges('{"hello":"world"}'));
    expect(error).toMatchObject({ reason: 'unknown-format', format: 'unknown', path: '<root>' });
    expect(error.message).toContain('set the format option');
    expect(catchCdcParseError(() => parseChanges('[1,2]')).reason).toBe('invalid-field');
  });

  it('keys that are not JSON are ignored; Connect-wrapped keys are decoded with their schema', () => {
    expect(parseChange(debezium(), { key: 'order-1' }).key).toBeNull();
    const key = JSON.stringify({ schema: { type: 'struct', fields: [{ type: 'int32', field: 'day', name: 'io.debezium.time.Date' }] }, payload: { day: 1 } });
    expect(parseChange(debezium(), { key }).key).toEqual({ day: '1970-01-02' });
  });

  it('lossless off gives plain JSON numbers', () => {
    const text = debezium().replace('"ts_ms":1700000000100,', '"ts_ms":1700000000100,"ts_ns":1700000000100123456,');
    expect(parseChange(text).eventTimeNs).toBe(1700000000100123456n);
    expect(parseChange(text, { lossless: false }).eventTimeNs).toBe(BigInt(Number("1700000000100123456"))) // rounded by JSON.parse;
  });
});

describe('Debezium envelopes', () => {
  it('validates op, snapshot and the transaction block', () => {
    expect(catchCdcParseError(() => parseChanges(debezium({ op: 'x' })))).toMatchObject({ reason: 'invalid-field', path: 'op', format: 'debezium' });
    expect(catchCdcParseError(() => parseChanges(debezium({ source: { ...PG_SOURCE, snapshot: 1 } })))).toMatchObject({ reason: 'invalid-field', path: 'source.snapshot' });
    expect(catchCdcParseError(() => parseChanges(debezium({ source: { ...PG_SOURCE, lsn: 'abc' } })))).toMatchObject({ path: 'source.lsn' });
    expect(catchCdcParseError(() => parseChanges(debezium({ source: { ...PG_SOURCE, sequence: '[1' } })))).toMatchObject({ path: 'source.sequence' });
    const event = parseChange(debezium({ transaction: { id: '9:1234', total_order: 2, data_collection_order: 1 } }));
    expect(event.transaction).toEqual({ id: '9:1234', totalOrder: 2, dataCollectionOrder: 1 });
    expect(catchCdcParseError(() => parseChanges(debezium({ transaction: { total_order: 1 } })))).toMatchObject({ reason: 'missing-field', path: 'transaction.id' });
  });

  it('unknown snapshot markers become "other"; incremental snapshot markers are kept', () => {
    expect(parseChange(debezium({ source: { ...PG_SOURCE, snapshot: 'incremental' } })).source).toMatchObject({ snapshot: 'incremental', isSnapshot: true });
    expect(parseChange(debezium({ source: { ...PG_SOURCE, snapshot: 'some_future_marker' } })).source.snapshot).toBe('other');
  });

  it('SQL Server, Oracle and MongoDB source positions', () => {
    const sqlServer = parseChange(debezium({ source: { connector: 'sqlserver', db: 'shop', schema: 'dbo', table: 'orders', change_lsn: '00000027:00000758:0003', commit_lsn: '00000027:00000758:0005', event_serial_no: 1, snapshot: 'false' } }));
    expect(sqlServer.source.position).toEqual({ type: 'sqlserver', changeLsn: '00000027:00000758:0003', commitLsn: '00000027:00000758:0005', eventSerialNo: 1 });
    const oracle = parseChange(debezium({ source: { connector: 'oracle', scn: '2122184', commit_scn: '2122185', txId: '0a001b00', snapshot: false } }));
    expect(oracle.source).toMatchObject({ position: { type: 'oracle', scn: '2122184', commitScn: '2122185' }, transactionId: '0a001b00', snapshot: 'false' });
  });

  it('MongoDB: after is extended JSON text, decoded losslessly', () => {
    const after = JSON.stringify({ _id: { $oid: '5f1f1f1f1f1f1f1f1f1f1f1f' }, qty: { $numberLong: '9223372036854775807' }, price: { $numberDecimal: '10.50' }, at: { $date: 1700000000000 }, tags: ['a'] });
    const event = parseChange(JSON.stringify({ after, source: { connector: 'mongodb', db: 'inventory', collection: 'orders', rs: 'rs0', ord: 3, snapshot: 'false', ts_ms: 1 }, op: 'c' }));
    expect(event.after).toEqual({ _id: '5f1f1f1f1f1f1f1f1f1f1f1f', qty: 9223372036854775807n, price: '10.50', at: '2023-11-14T22:13:20.000Z', tags: ['a'] });
    expect(event.source).toMatchObject({ table: 'orders', position: { type: 'mongodb', replicaSet: 'rs0', order: 3, token: null } });
  });

  it('missing op on something that is not a transaction record or heartbeat', () => {
    expect(catchCdcParseError(() => parseChanges('{"before":null,"after":{}}', { format: 'debezium' }))).toMatchObject({ reason: 'missing-field', path: 'op' });
  });

  it('flattened records: __op, __deleted rewrite, metadata fields', () => {
    const parser = createCdcParser();
    const deleted = parser.parseOne('{"id":1,"name":"a","__deleted":"true","__table":"orders","__db":"shop","__lsn":99,"__source_ts_ms":5,"__ts_ms":6}');
    expect(deleted).toMatchObject({ format: 'debezium-flattened', operation: 'delete', after: null, before: { id: 1, name: 'a' }, eventTimeMs: 6 });
    expect(deleted.source).toMatchObject({ table: 'orders', database: 'shop', timeMs: 5, position: { type: 'postgres', lsn: 99n, sequence: null } });
    expect(parser.parseOne('{"id":1,"__op":"u"}').operation).toBe('update');
    expect(createCdcParser({ format: 'debezium-flattened' }).parseOne('{"id":1}').operation).toBe('upsert');
    expect(catchCdcParseError(() => parser.parse('{"id":1,"__op":"z"}'))).toMatchObject({ path: '__op', format: 'debezium-flattened' });
    expect(catchCdcParseError(() => parser.parse('{"id":1,"__deleted":"maybe"}'))).toMatchObject({ path: '__deleted' });
  });
});

describe('other formats: shapes not in the fixtures', () => {
  it('wal2json v1 with xid and timestamp gives transaction blocks and positions; messages and truncates', () => {
    const text = JSON.stringify({
      xid: 1234,
      timestamp: '2019-12-09 14:23:01.567832+00',
      change: [
        { kind: 'insert', schema: 'public', table: 't', columnnames: ['id', 'amount'], columntypes: ['int8', 'numeric(10,2)'], columnvalues: [1, 2.5] },
        { kind: 'message', transactional: true, prefix: 'p', content: 'hé' },
        { kind: 'truncate', schema: 'public', table: 't' },
      ],
    });
    const events = parseChanges(text);
    expect(events.map((event) => event.kind)).toEqual(['change', 'message', 'truncate']);
    expect(events[0]).toMatchObject({ after: { id: 1, amount: '2.50' }, transaction: { id: '1234', totalOrder: 1, dataCollectionOrder: null } });
    expect(events[0]!.source).toMatchObject({ transactionId: '1234', timeMs: 1575901381567, timeNs: 1575901381567832000n, position: { type: 'ordinal', values: ['1234', 0] } });
    expect(new TextDecoder().decode(events[1]!.message!.content)).toBe('hé');
    expect(events[1]!.message!.transactional).toBe(true);
    expect(catchCdcParseError(() => parseChanges('{"change":[{"kind":"insert","columnnames":["a"],"columnvalues":[]}]}'))).toMatchObject({ path: 'change[0].columnvalues' });
  });

  it('wal2json v2 transaction boundaries, messages and LSN positions', () => {
    expect(parseChange('{"action":"B","xid":7}')).toMatchObject({ kind: 'transaction-begin', transactionMarker: { status: 'BEGIN', id: '7' } });
    expect(parseChange('{"action":"C","xid":7}')).toMatchObject({ kind: 'transaction-end', transactionMarker: { status: 'END', id: '7', eventCount: null } });
    expect(catchCdcParseError(() => parseChange('{"action":"B"}'))).toMatchObject({ reason: 'missing-field', path: 'xid' });
    const insert = parseChange('{"action":"I","xid":7,"lsn":"0/16D3220","schema":"s","table":"t","columns":[{"name":"id","type":"bigint","value":12345678901234567890}],"pk":[{"name":"id","type":"bigint"}]}');
    expect(insert).toMatchObject({ after: { id: 12345678901234567890n }, key: { id: 12345678901234567890n }, primaryKey: ['id'] });
    expect(insert.source.position).toEqual({ type: 'postgres', lsn: 0x16d3220n, sequence: null });
    expect(parseChange('{"action":"M","transactional":false,"prefix":"x","content":"y"}').message).toMatchObject({ prefix: 'x', transactional: false });
    expect(catchCdcParseError(() => parseChange('{"action":"Z"}')).reason).toBe('unsupported');
  });

  it('Maxwell DDL, bootstrap and binlog positions', () => {
    expect(parseChanges('{"type":"bootstrap-start","database":"d","table":"t","ts":1}')).toEqual([]);
    const read = parseChange('{"type":"bootstrap-insert","database":"d","table":"t","ts":1,"data":{"id":1}}');
    expect(read).toMatchObject({ operation: 'read', source: { isSnapshot: true, snapshot: 'true' } });
    const ddl = parseChange('{"type":"table-alter","database":"d","table":"t","ts":1,"sql":"ALTER TABLE t ADD c INT","old":{},"def":{}}');
    expect(ddl).toMatchObject({ kind: 'schema-change', schemaChange: { ddl: 'ALTER TABLE t ADD c INT', type: 'table-alter' } });
    const positioned = parseChange('{"type":"insert","database":"d","table":"t","ts":1,"position":"master.000006:800911","gtid":"abc:1","server_id":1,"data":{"id":1}}');
    expect(positioned.source.position).toEqual({ type: 'mysql', file: 'master.000006', position: 800911, row: null, gtid: 'abc:1', serverId: 1 });
    expect(catchCdcParseError(() => parseChange('{"type":"weird","database":"d","table":"t","data":{}}')).reason).toBe('unsupported');
  });

  it('Canal TRUNCATE and DELETE of several rows', () => {
    expect(parseChange(canal([], { isDdl: true, type: 'TRUNCATE', data: null }))).toMatchObject({ kind: 'truncate', operation: 'truncate' });
    const deletes = parseChanges(canal([{ id: '1' }, { id: '2' }], { type: 'DELETE' }));
    expect(deletes.map((event) => event.key)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(deletes.map((event) => event.source.position)).toEqual([
      { type: 'ordinal', values: [1, 7, 0] },
      { type: 'ordinal', values: [1, 7, 1] },
    ]);
    expect(catchCdcParseError(() => parseChanges(canal([{ id: 'x' }])))).toMatchObject({ reason: 'invalid-value', path: 'data[0].id' });
  });

  it('AWS DMS control records and full-load rows', () => {
    const control = parseChange('{"data":{},"metadata":{"timestamp":"2024-10-27T12:39:03.210671Z","record-type":"control","operation":"create-table","schema-name":"s","table-name":"t"}}');
    expect(control).toMatchObject({ kind: 'schema-change', schemaChange: { ddl: null, type: 'create-table' } });
    const load = parseChange('{"data":{"id":1},"metadata":{"record-type":"data","operation":"load","schema-name":"s","table-name":"t"}}');
    expect(load).toMatchObject({ operation: 'read', source: { isSnapshot: true } });
    const partial = parseChange('{"data":{"id":1,"a":2,"b":3,"BI_a":1},"metadata":{"record-type":"data","operation":"update","schema-name":"s","table-name":"t"}}');
    expect(partial).toMatchObject({ beforeImage: 'partial', before: { a: 1 }, after: { id: 1, a: 2, b: 3 } });
    expect(changedFields(partial).fields).toEqual({ id: 'unknown', a: 'changed', b: 'unknown' });
    expect(catchCdcParseError(() => parseChange('{"data":{},"metadata":{"record-type":"data","operation":"merge"}}'))).toMatchObject({ path: 'metadata.operation' });
  });

  it('Datastream backfill reads and UPDATE-DELETE halves', () => {
    const base = { source_metadata: { table: 't', database: 'd', primary_keys: ['id'], change_type: 'INSERT' }, payload: { id: 1 }, read_method: 'mysql-backfill-fulldump', sort_keys: [1, 'x', 2] };
    expect(parseChange(JSON.stringify(base))).toMatchObject({ operation: 'read', source: { isSnapshot: true, position: { type: 'ordinal', values: [1, 'x', 2] } } });
    const half = parseChange(JSON.stringify({ ...base, read_method: 'mysql-cdc-binlog', source_metadata: { ...base.source_metadata, change_type: 'UPDATE-DELETE' } }));
    expect(half).toMatchObject({ operation: 'update', before: { id: 1 }, after: null });
  });
});

describe('column types for schemaless messages', () => {
  it('the most specific table key wins per column; "*" applies everywhere', () => {
    const parser = createCdcParser({
      columnTypes: {
        '*': { total: { type: 'decimal', scale: 1 }, created: { type: 'date' } },
        orders: { total: { type: 'decimal', scale: 2 } },
        'public.orders': { total: { type: 'decimal', scale: 3 } },
      },
    });
    expect(parser.parseOne(debezium({ after: { total: 10, created: 1 } })).after).toEqual({ total: '10.000', created: '1970-01-02' });
    expect(parser.parseOne(debezium({ after: { total: 10 }, source: { ...PG_SOURCE, table: 'other' } })).after).toEqual({ total: '10.0' });
  });

  it('Maxwell JSON-number decimals keep their exact literal', () => {
    const parser = createCdcParser({ columnTypes: { 'shop.items': { price: { type: 'decimal', scale: 2 } } } });
    const event = parser.parseOne('{"database":"shop","table":"items","type":"insert","ts":1,"data":{"price":1234567890123456.70}}');
    expect(event.after).toEqual({ price: '1234567890123456.70' });
  });
});

describe('schema cache', () => {
  const envelope = (table: string, price: string) =>
    JSON.stringify({
      schema: {
        type: 'struct',
        name: `${table}.Envelope`,
        fields: [
          { type: 'struct', field: 'after', optional: true, fields: [{ type: 'bytes', field: 'price', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } }] },
          { type: 'string', field: 'op' },
        ],
      },
      payload: { after: { price }, op: 'c', source: { connector: 'postgresql', table } },
    });

  it('reuses and evicts schemas without mixing them up', () => {
    const parser = createCdcParser({ schemaCacheSize: 1 });
    for (let i = 0; i < 3; i++) {
      expect(parser.parseOne(envelope('a', 'C+o=')).after).toEqual({ price: '30.50' });
      expect(parser.parseOne(envelope('b', 'AdTA')).after).toEqual({ price: '1200.00' });
    }
  });

  it('the cached schema is frozen and shared in raw; errors in a cached payload keep whole-text offsets', () => {
    const parser = createCdcParser();
    const first = parser.parseOne(envelope('a', 'C+o='));
    const second = parser.parseOne(envelope('a', 'AdTA'));
    const rawSchema = (first.raw as { schema: object }).schema;
    expect(rawSchema).toBe((second.raw as { schema: object }).schema);
    expect(Object.isFrozen(rawSchema)).toBe(true);
    const broken = envelope('a', 'C+o=').replace('"op":"c"', '"op":"c"]');
    const error = catchCdcParseError(() => parser.parse(broken));
    expect(error.reason).toBe('invalid-json');
    expect(error.offset).toBe(broken.indexOf('"c"]') + 3);
    expect(catchCdcParseError(() => parser.parse(envelope('a', '***')))).toMatchObject({ reason: 'invalid-value', path: 'payload.after.price' });
  });
});
