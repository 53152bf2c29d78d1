/**
 * @iap/cdc on real captured output (test/fixtures/captured, see its README): Debezium 3.6.1
 * PostgreSQL under six connector / converter settings and wal2json 2.5 formats 1 and 2.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEBEZIUM_SETTINGS } from '../../../scripts/testing/cdc-capture/capture.js';
import { schemalessTypes, typesMismatches } from '../test/integration/live-capture/workload-check.js';
import { changedFields, createCdcParser, createTransactionAssembler, isUnavailable, type CdcParserOptions, type ChangeEvent, type ColumnTypeMap } from './index.js';

const DIR = new URL('../test/fixtures/captured/', import.meta.url);
const SETTINGS = ['precise-base64', 'string-hex', 'double-base64'].flatMap((modes) => [`debezium-pg-${modes}-schema`, `debezium-pg-${modes}-schemaless`]);

interface CapturedLine {
  readonly destination?: string;
  readonly key?: string | null;
  readonly value: string | null;
}

function lines(name: string): CapturedLine[] {
  return readFileSync(new URL(`${name}.jsonl`, DIR), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CapturedLine);
}

/** What a schemaless consumer declares for the temporal columns of `types`. */
const SCHEMALESS_TYPES: ColumnTypeMap = {
  'public.types': { c_date: { type: 'date' }, c_ts: { type: 'timestamp-micros' }, c_tstz: { type: 'zoned-timestamp' } },
};

function parseAll(name: string, options: CdcParserOptions = {}): ChangeEvent[] {
  const columnTypes = name.endsWith('-schemaless') ? SCHEMALESS_TYPES : {};
  const parser = createCdcParser({ binaryHandlingMode: name.includes('-hex-') ? 'hex' : 'base64', columnTypes, ...options });
  return lines(name).flatMap((line) => parser.parse(line.value, { key: line.key ?? null, ...(line.destination === undefined ? {} : { topic: line.destination }) }));
}

function afterOf(events: readonly ChangeEvent[], table: string, id: number): Readonly<Record<string, unknown>> {
  const event = events.find((e) => e.source.table === table && e.operation !== 'delete' && e.after?.id === id && e.kind === 'change');
  if (event?.after == null) throw new Error(`no row ${table}/${id}`);
  return event.after;
}

describe.each(SETTINGS)('captured %s', (name) => {
  it('every transaction completes in the assembler (txId:LSN ids grouped by txId)', () => {
    const events = parseAll(name);
    const ends = events.filter((event) => event.kind === 'transaction-end').length;
    const assembler = createTransactionAssembler();
    const batches = events.flatMap((event) => assembler.push(event)).filter((batch) => batch.transactionId !== null);
    expect(ends).toBeGreaterThan(10);
    expect(batches).toHaveLength(ends);
    expect(batches.every((batch) => batch.complete && batch.reason === 'completed')).toBe(true);
    expect(batches.every((batch) => batch.events.length === batch.expectedEventCount)).toBe(true);
    expect(assembler.flush()).toEqual([]);
    const multiTable = batches.find((batch) => batch.events.some((event) => event.source.table === 'priced'));
    expect(multiTable?.events.map((event) => event.kind)).toEqual(['change', 'change', 'change', 'message']);
    expect(multiTable?.events.map((event) => event.source.table)).toEqual(['types', 'types', 'priced', '']);
  });

  it.each(['iso', 'date'] as const)('date and timestamp ±infinity come out as documented texts (%s)', (temporalMode) => {
    const events = parseAll(name, { temporalMode });
    expect(afterOf(events, 'types', 2)).toMatchObject({ c_date: 'infinity', c_ts: '-infinity', c_tstz: 'infinity' });
    expect(afterOf(events, 'types', 3)).toMatchObject({ c_date: '-infinity', c_ts: 'infinity', c_tstz: '-infinity' });
  });

  it('finite dates and timestamps next to them stay exact', () => {
    const events = parseAll(name);
    expect(afterOf(events, 'types', 4)).toMatchObject({ c_date: '9999-12-31', c_ts: '0001-01-01T00:00:00.000000', c_tstz: '1900-01-01T00:00:00.000000Z' });
  });

  it('logical decoding message content is decoded per binary.handling.mode', () => {
    const messages = parseAll(name).filter((event) => event.kind === 'message');
    const byPrefix = new Map(messages.map((event) => [event.message!.prefix, event.message!.content]));
    expect(Buffer.from(byPrefix.get('iap-bin')!).toString('hex')).toBe('00ff10');
    expect(Buffer.from(byPrefix.get('iap-text')!).toString('utf8')).toBe('hello, decoder');
  });
});

describe('captured Debezium string decimal mode', () => {
  it('"NAN" under a decimal column type is NaN, not an error', () => {
    const events = parseAll('debezium-pg-string-hex-schemaless', { columnTypes: { 'public.types': { c_numeric_free: { type: 'decimal' }, c_numeric: { type: 'decimal', scale: 3 } } } });
    expect(afterOf(events, 'types', 2)).toMatchObject({ c_numeric_free: 'NaN', c_numeric: '-0.001' });
  });
});

describe('captured wal2json', () => {
  it('a format-1 message is released at once as one complete transaction', () => {
    const parser = createCdcParser({ format: 'wal2json-v1' });
    const assembler = createTransactionAssembler();
    let dataMessages = 0;
    let rejected = 0;
    for (const line of lines('wal2json-v1')) {
      const result = parser.safeParse(line.value);
      if (!result.ok) {
        // wal2json 2.5 writes a non-transactional message in format 1 as `{"change":[,{...}]}`
        rejected++;
        expect(result.error.format).toBe('unknown');
        continue;
      }
      const events = result.events;
      const inTransaction = events.filter((event) => event.transaction !== null);
      const batches = events.flatMap((event) => assembler.push(event)).filter((batch) => batch.transactionId !== null);
      if (inTransaction.length === 0) continue;
      dataMessages++;
      expect(batches).toHaveLength(1);
      expect(batches[0]).toMatchObject({ complete: true, reason: 'completed' });
      expect(batches[0]!.events).toHaveLength(inTransaction.length);
    }
    expect(dataMessages).toBeGreaterThan(10);
    expect(rejected).toBe(1);
    expect(assembler.openTransactions).toBe(0);
  });

  it('format 2 transactions complete at their C marker', () => {
    const parser = createCdcParser({ format: 'wal2json-v2' });
    const assembler = createTransactionAssembler();
    const batches = lines('wal2json-v2').flatMap((line) => parser.parse(line.value).flatMap((event) => assembler.push(event))).filter((batch) => batch.transactionId !== null);
    expect(batches.length).toBeGreaterThan(10);
    expect(batches.every((batch) => batch.complete)).toBe(true);
    expect(assembler.flush()).toEqual([]);
  });
});

describe('assembler overflow', () => {
  it('reports a typed event when a limit forces a transaction out', () => {
    const seen: unknown[] = [];
    const assembler = createTransactionAssembler({ maxBufferedEvents: 1, onOverflow: (event) => seen.push(event) });
    const data = parseAll('debezium-pg-precise-base64-schema').filter((event) => event.kind === 'change' && event.transaction !== null);
    const batches = data.slice(0, 2).flatMap((event) => assembler.push(event));
    expect(batches.some((batch) => batch.reason === 'overflow')).toBe(true);
    expect(seen[0]).toMatchObject({ type: 'transaction-overflow', limit: 'maxBufferedEvents', limitValue: 1 });
  });
});

describe('captured schemaless keys and arrays with columnTypes', () => {
  const priced = (encoding: 'base64' | 'text'): ColumnTypeMap => ({ 'public.priced': { id: { type: 'decimal', scale: 2, encoding } } });

  it.each([
    ['debezium-pg-precise-base64-schemaless', 'base64'],
    ['debezium-pg-string-hex-schemaless', 'text'],
  ] as const)('columnTypes apply to the record key (%s)', (name, encoding) => {
    const events = parseAll(name, { columnTypes: priced(encoding) }).filter((event) => event.source.table === 'priced' && event.kind === 'change');
    expect(events.length).toBeGreaterThanOrEqual(4);
    for (const event of events) expect(event.key).toEqual({ id: (event.after ?? event.before)!.id });
    expect(events.map((event) => event.key!.id)).toEqual(['0.50', '1.50', '1.50', '2.25', '2.25']);
    const withSchema = parseAll(name.replace('-schemaless', '-schema')).filter((event) => event.source.table === 'priced' && event.kind === 'change');
    expect(events.map((event) => event.key)).toEqual(withSchema.map((event) => event.key));
  });

  it.each([
    ['debezium-pg-string-hex-schemaless', '00ff10'],
    ['debezium-pg-precise-base64-schemaless', 'AP8Q'],
  ])('a bytes column type decodes bytea per binary.handling.mode (%s)', (name, sent) => {
    const columnTypes: ColumnTypeMap = { 'public.types': { c_bytea: { type: 'bytes' } } };
    const events = parseAll(name, { columnTypes });
    expect(parseAll(name).find((event) => event.after?.id === 1)?.after?.c_bytea).toBe(sent);
    expect(Buffer.from(afterOf(events, 'types', 1).c_bytea as Uint8Array).toString('hex')).toBe('00ff10');
    expect(Buffer.from(afterOf(events, 'types', 3).c_bytea as Uint8Array).toString('hex')).toBe('deadbeef');
  });

  it('an unchanged TOASTed array is Unavailable with an array column type, and unchanged in changedFields', () => {
    const columnTypes: ColumnTypeMap = { 'public.docs': { tags: { type: 'array', items: { type: 'string' } } } };
    const updates = parseAll('debezium-pg-precise-base64-schemaless', { columnTypes }).filter((event) => event.source.table === 'docs' && event.operation === 'update');
    expect(updates).toHaveLength(2);
    for (const update of updates) {
      expect(isUnavailable(update.after!.tags)).toBe(true);
      expect(changedFields(update).fields.tags).toBe('unchanged');
    }
    const schema = parseAll('debezium-pg-precise-base64-schema').filter((event) => event.source.table === 'docs' && event.operation === 'update');
    expect(schema.map((event) => isUnavailable(event.after!.tags))).toEqual([true, true]);
  });

  it('an array column type decodes items (REPLICA IDENTITY FULL keeps the whole array)', () => {
    const columnTypes: ColumnTypeMap = { 'public.docs_full': { tags: { type: 'array', items: { type: 'string' } } } };
    const update = parseAll('debezium-pg-precise-base64-schemaless', { columnTypes }).find((event) => event.source.table === 'docs_full' && event.operation === 'update');
    expect(update?.before?.tags).toHaveLength(300);
    expect((update?.after?.tags as string[])[0]).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe.each(DEBEZIUM_SETTINGS)('captured $name against the workload', (setting) => {
  it('every value of every types row equals what the workload wrote', () => {
    const events = parseAll(setting.name, { columnTypes: setting.schemasEnable ? {} : schemalessTypes(setting) });
    expect(typesMismatches(setting, events)).toEqual([]);
  });
});
