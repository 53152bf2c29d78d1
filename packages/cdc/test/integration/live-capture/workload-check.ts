/**
 * Compares parsed `types` rows with what the capture workload wrote (scripts/testing/cdc-capture/
 * workload.ts), allowing only the documented per-setting differences of Debezium itself.
 */
import { isUnavailable, type ChangeEvent, type ColumnTypeMap } from '../../../src/index.js';
import { readFileSync } from 'node:fs';
import { TYPES_ROWS, type WorkloadRow } from '../../../../../scripts/testing/cdc-capture/workload.js';
import type { DebeziumSetting } from '../../../../../scripts/testing/cdc-capture/capture.js';

/** A parsed value in the workload's notation (bytes as hex, Unavailable marked). */
export function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('hex') };
  if (isUnavailable(value)) return { $unavailable: true };
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}

/** What a column must be under a setting, from what the workload wrote. */
export function expectedUnder(setting: DebeziumSetting, column: string, written: unknown): unknown {
  const decimal = column === 'c_numeric' || column === 'c_numeric_free';
  // Debezium: precise cannot encode NaN (null); string sends "NAN" (a plain string with a schema)
  if (decimal && written === 'NaN') return setting.decimalHandlingMode === 'string' ? (setting.schemasEnable ? 'NAN' : 'NaN') : setting.decimalHandlingMode === 'double' ? Number.NaN : null;
  if (decimal && setting.decimalHandlingMode === 'double') return Number(written);
  // base64 / hex modes turn bytea into a string column (schema type string)
  if (column === 'c_bytea' && written !== null) {
    const hex = (written as { $bytes: string }).$bytes;
    return setting.binaryHandlingMode === 'hex' ? hex : Buffer.from(hex, 'hex').toString('base64');
  }
  return written;
}

/**
 * Every mismatch between the parsed insert/snapshot rows of a `types` table and the rows a workload
 * wrote, as text; `expected` maps what was written to what the setting makes of it.
 */
export function rowMismatches(rows: readonly WorkloadRow[], events: readonly ChangeEvent[], expected: (column: string, written: unknown) => unknown): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const id = row.id!.expect;
    const event = events.find((e) => e.source.table === 'types' && (e.operation === 'insert' || e.operation === 'read') && e.after?.id === id);
    if (event?.after == null) {
      problems.push(`types/${String(id)}: no insert or snapshot row`);
      continue;
    }
    for (const [column, cell] of Object.entries(row)) {
      const actual = normalise(event.after[column]);
      const wanted = expected(column, cell.expect);
      if (!Object.is(actual, wanted) && JSON.stringify(actual, replacer) !== JSON.stringify(wanted, replacer)) {
        problems.push(`types/${String(id)}.${column}: got ${JSON.stringify(actual, replacer)}, wrote ${cell.sql} (expected ${JSON.stringify(wanted, replacer)})`);
      }
    }
  }
  return problems;
}

/** Every mismatch between the parsed insert/snapshot rows of `types` and the workload, as text. */
export function typesMismatches(setting: DebeziumSetting, events: readonly ChangeEvent[]): string[] {
  return rowMismatches(TYPES_ROWS, events, (column, written) => expectedUnder(setting, column, written));
}

/** One line of a captured stream: Debezium `{destination, key, value}`, wal2json `{lsn, xid, value}`. */
export interface CapturedRecord {
  readonly destination?: string;
  readonly key?: string | null;
  readonly value: string | null;
}

/** The records of a captured stream file. */
export function capturedRecords(file: string): CapturedRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CapturedRecord);
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** The `columnTypes` a schemaless consumer declares for `types` under a setting. */
export function schemalessTypes(setting: DebeziumSetting): ColumnTypeMap {
  const mode = setting.decimalHandlingMode;
  return {
    'public.types': {
      c_numeric: mode === 'precise' ? { type: 'decimal', scale: 3, encoding: 'base64' } : mode === 'string' ? { type: 'decimal', scale: 3 } : { type: 'float' },
      c_numeric_free: mode === 'precise' ? { type: 'variable-scale-decimal' } : mode === 'string' ? { type: 'decimal' } : { type: 'float' },
      c_int8: { type: 'integer' },
      c_float8: { type: 'float' },
      c_date: { type: 'date' },
      c_ts: { type: 'timestamp-micros' },
      c_tstz: { type: 'zoned-timestamp' },
      c_time: { type: 'time-micros' },
      c_json: { type: 'json' },
      c_jsonb: { type: 'json' },
      c_int_arr: { type: 'array', items: { type: 'integer' } },
      c_text_arr: { type: 'array' },
    },
  };
}
