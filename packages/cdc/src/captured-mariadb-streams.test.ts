/**
 * @iap/cdc on real captured MariaDB output (test/fixtures/captured, see its README): Debezium
 * 3.6.1's MySQL connector reading a private MariaDB 10.11's row binlog under four connector /
 * converter settings.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MARIADB_SETTINGS, type MariadbSetting } from '../../../scripts/testing/cdc-capture/mariadb-capture.js';
import { mariadbParserOptions, mariadbTypesMismatches } from '../test/integration/live-capture/mariadb-workload-check.js';
import { changedFields, createCdcParser, createTransactionAssembler, toAuditRecord, type ChangeEvent } from './index.js';

const DIR = new URL('../test/fixtures/captured/', import.meta.url);

interface CapturedLine {
  readonly destination: string;
  readonly key: string | null;
  readonly value: string | null;
}

function parseAll(setting: MariadbSetting): ChangeEvent[] {
  const parser = createCdcParser(mariadbParserOptions(setting));
  return readFileSync(new URL(`${setting.name}.jsonl`, DIR), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CapturedLine)
    .flatMap((line) => parser.parse(line.value, { key: line.key, topic: line.destination }));
}

describe.each(MARIADB_SETTINGS)('captured $name', (setting) => {
  let events: ChangeEvent[] = [];
  beforeAll(() => {
    events = parseAll(setting);
  });

  it('every value of the all-types rows is what the workload wrote', () => {
    expect(mariadbTypesMismatches(setting, events)).toEqual([]);
  });

  it('DDL on the schema-change topic becomes schema-change events, not rows', () => {
    const changes = events.filter((event) => event.kind === 'schema-change');
    expect(changes).toHaveLength(11);
    expect(events.filter((event) => event.kind === 'change' && event.source.table === null)).toEqual([]);
    const create = changes.find((event) => event.schemaChange?.ddl?.startsWith('CREATE TABLE `priced`') === true);
    expect(create).toMatchObject({
      operation: null,
      after: null,
      source: { connector: 'mysql', database: 'iap', table: 'priced', isSnapshot: true },
      schemaChange: { type: 'CREATE' },
    });
    const alter = changes.find((event) => event.schemaChange?.ddl === 'ALTER TABLE priced ADD COLUMN note VARCHAR(16)');
    expect(alter).toMatchObject({
      source: { database: 'iap', table: 'priced', isSnapshot: false, position: { type: 'mysql', file: 'binlog.000001' } },
      schemaChange: { type: 'ALTER' },
    });
    expect(changes.find((event) => event.schemaChange?.ddl === 'USE `iap`')?.schemaChange?.type).toBeNull();
  });

  it('a DECIMAL primary key decodes the same in key and row; its change is delete, tombstone, insert', () => {
    const priced = events.filter(
      (event) => (event.kind === 'change' || event.kind === 'tombstone') && event.topic?.endsWith('.iap.priced') === true,
    );
    const label = (event: ChangeEvent): string =>
      event.kind === 'change'
        ? `${String(event.operation)}:${JSON.stringify(event.key?.id)}:${JSON.stringify((event.after ?? event.before)?.id)}`
        : 'tombstone';
    expect(priced.map(label)).toEqual([
      'read:"0.50":"0.50"',
      'insert:"1.50":"1.50"',
      'delete:"1.50":"1.50"',
      'tombstone',
      'insert:"2.25":"2.25"',
      'delete:"2.25":"2.25"',
      'tombstone',
      'insert:"3.00":"3.00"',
    ]);
    expect(priced.at(-1)?.after).toEqual({ id: '3.00', label: 'after alter', note: 'new column' });
    expect(events.some((event) => event.after?.label === 'rolled back')).toBe(false);
    expect(events.find((event) => event.kind === 'truncate')).toMatchObject({ operation: 'truncate', source: { table: 'priced' } });
  });

  it('updates carry full before images: changedFields names exactly the columns the workload set', () => {
    const updates = events.filter((event) => event.operation === 'update' && event.source.table === 'types');
    expect(updates.map((event) => changedFields(event).changed)).toEqual([['c_varchar'], ['c_decimal', 'c_json']]);
    expect(updates.every((event) => event.beforeImage === 'full' && changedFields(event).keyChanged === false)).toBe(true);
  });

  it('without GTIDs there are no transaction blocks: the assembler passes every event straight through', () => {
    expect(events.every((event) => event.transaction === null)).toBe(true);
    const assembler = createTransactionAssembler();
    const batches = events.flatMap((event) => assembler.push(event));
    expect(batches).toHaveLength(events.length);
    expect(batches.every((batch) => batch.transactionId === null && batch.complete)).toBe(true);
    expect(assembler.flush()).toEqual([]);
  });

  it('audit ids are distinct for distinct changes, schema changes at one binlog position included', () => {
    const audited = events.filter((event) => event.kind === 'change' || event.kind === 'schema-change' || event.kind === 'truncate');
    expect(new Set(audited.map((event) => toAuditRecord(event)?.id ?? 'not audited')).size).toBe(audited.length);
  });
});
