/**
 * Compares parsed MariaDB `types` rows with what the capture workload wrote
 * (scripts/testing/cdc-capture/mariadb-workload.ts), allowing only the documented per-setting
 * differences of Debezium itself, and says which `columnTypes` a schemaless consumer declares.
 */
import type { ChangeEvent, ColumnTypeMap } from '../../../src/index.js';
import { MARIADB_TYPES_ROWS } from '../../../../../scripts/testing/cdc-capture/mariadb-workload.js';
import type { MariadbSetting } from '../../../../../scripts/testing/cdc-capture/mariadb-capture.js';
import { rowMismatches } from './workload-check.js';

/** The parser options a consumer of a setting's stream uses. */
export function mariadbParserOptions(setting: Pick<MariadbSetting, 'decimalHandlingMode' | 'binaryHandlingMode' | 'schemasEnable'>): {
  binaryHandlingMode: 'base64' | 'hex';
  columnTypes: ColumnTypeMap;
} {
  return {
    binaryHandlingMode: setting.binaryHandlingMode === 'hex' ? 'hex' : 'base64',
    columnTypes: setting.schemasEnable ? {} : mariadbSchemalessTypes(setting),
  };
}

/**
 * The `columnTypes` a schemaless consumer declares. `bigint.unsigned.handling.mode=precise` sends
 * base64 decimal bytes even under `decimal.handling.mode=string`; the `bytes` type follows the
 * parser's `binaryHandlingMode` (hex here under `binary.handling.mode=hex`).
 */
export function mariadbSchemalessTypes(setting: Pick<MariadbSetting, 'decimalHandlingMode'>): ColumnTypeMap {
  const encoding = setting.decimalHandlingMode === 'precise' ? 'base64' : 'text';
  return {
    'iap.types': {
      c_decimal: { type: 'decimal', scale: 3, encoding },
      c_decimal_wide: { type: 'decimal', scale: 10, encoding },
      c_ubigint: { type: 'decimal', scale: 0, encoding: 'base64' },
      c_date: { type: 'date' },
      c_datetime: { type: 'timestamp-micros' },
      c_datetime0: { type: 'timestamp-millis' },
      c_time: { type: 'time-micros' },
      c_blob: { type: 'bytes' },
      c_set: { type: 'enum-set' },
      c_bit: { type: 'bits', length: 10 },
    },
    'iap.priced': { id: { type: 'decimal', scale: 2, encoding } },
  };
}

/** What a column must be under a setting, from what the workload wrote. */
export function mariadbExpectedUnder(
  setting: Pick<MariadbSetting, 'binaryHandlingMode' | 'schemasEnable'>,
  column: string,
  written: unknown,
): unknown {
  // with a schema, binary.handling.mode=hex makes BLOB a plain string column: the hex text stays
  if (column === 'c_blob' && written !== null && setting.binaryHandlingMode === 'hex' && setting.schemasEnable)
    return (written as { $bytes: string }).$bytes;
  return written;
}

/** Every mismatch between the parsed insert/snapshot rows of `types` and the workload, as text. */
export function mariadbTypesMismatches(
  setting: Pick<MariadbSetting, 'binaryHandlingMode' | 'schemasEnable'>,
  events: readonly ChangeEvent[],
): string[] {
  return rowMismatches(MARIADB_TYPES_ROWS, events, (column, written) => mariadbExpectedUnder(setting, column, written));
}
