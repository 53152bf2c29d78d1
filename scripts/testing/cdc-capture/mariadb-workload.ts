/**
 * The MariaDB capture workload: the tables, rows and statements the capture drives through
 * Debezium's MySQL connector reading a private `mariadbd`'s row binlog, with the value each column
 * must decode to. Tests compare every parsed value with `expect` here; nothing is read back from
 * the captured streams to build it.
 *
 * Expected values are @iap/cdc's default output with a schema, `decimal.handling.mode=precise`,
 * `binary.handling.mode=bytes` and `bigint.unsigned.handling.mode=precise` (decimals as exact
 * strings, temporal values as ISO text, bytes as `{ $bytes: hex }`); MariaDB's JSON is a
 * `LONGTEXT` alias, so Debezium sends it as the text written.
 */
import { createSql, insertSql, type WorkloadCell, type WorkloadColumn, type WorkloadRow } from './workload.js';

const cell = (sql: string, expect: unknown): WorkloadCell => ({ sql, expect });
const bytes = (hex: string): { $bytes: string } => ({ $bytes: hex });

/** The database every table lives in. */
export const MARIADB_DATABASE = 'iap';
/** The table whose first change ends a capture (with its transaction's END marker). */
export const MARIADB_STOP_TABLE = 'capture_end';

/** The all-types table. */
export const MARIADB_TYPES_COLUMNS: readonly WorkloadColumn[] = [
  { name: 'id', sqlType: 'INT PRIMARY KEY' },
  { name: 'c_decimal', sqlType: 'DECIMAL(12,3)' },
  { name: 'c_decimal_wide', sqlType: 'DECIMAL(38,10)' },
  { name: 'c_bigint', sqlType: 'BIGINT' },
  { name: 'c_ubigint', sqlType: 'BIGINT UNSIGNED' },
  { name: 'c_double', sqlType: 'DOUBLE' },
  { name: 'c_bool', sqlType: 'BOOLEAN' },
  { name: 'c_varchar', sqlType: 'VARCHAR(64) CHARACTER SET utf8mb4' },
  { name: 'c_text', sqlType: 'TEXT CHARACTER SET utf8mb4' },
  { name: 'c_date', sqlType: 'DATE' },
  { name: 'c_datetime', sqlType: 'DATETIME(6)' },
  { name: 'c_datetime0', sqlType: 'DATETIME' },
  { name: 'c_timestamp', sqlType: 'TIMESTAMP(6) NULL' },
  { name: 'c_time', sqlType: 'TIME(6)' },
  { name: 'c_year', sqlType: 'YEAR' },
  { name: 'c_json', sqlType: 'JSON' },
  { name: 'c_blob', sqlType: 'BLOB' },
  { name: 'c_enum', sqlType: "ENUM('small','large')" },
  { name: 'c_set', sqlType: "SET('a','b','c')" },
  { name: 'c_bit', sqlType: 'BIT(10)' },
];

/** Rows of `types`; row 1 is written before the snapshot, the others while streaming. */
export const MARIADB_TYPES_ROWS: readonly WorkloadRow[] = [
  {
    id: cell('1', 1),
    c_decimal: cell("'12345.678'", '12345.678'),
    c_decimal_wide: cell("'-1234567890123456789012345678.0123456789'", '-1234567890123456789012345678.0123456789'),
    c_bigint: cell('9223372036854775807', 9223372036854775807n),
    c_ubigint: cell('18446744073709551615', '18446744073709551615'),
    c_double: cell('1.5e300', 1.5e300),
    c_bool: cell('TRUE', 1),
    c_varchar: cell("'snapshot row: ünïcødé ✓ 😀'", 'snapshot row: ünïcødé ✓ 😀'),
    c_text: cell('\'line\\nbreak "quoted" \\\\ back\'', 'line\nbreak "quoted" \\ back'),
    c_date: cell("'1969-07-20'", '1969-07-20'),
    c_datetime: cell("'1969-07-20 20:17:40.123456'", '1969-07-20T20:17:40.123456'),
    c_datetime0: cell("'9999-12-31 23:59:59'", '9999-12-31T23:59:59.000'),
    c_timestamp: cell("'2024-02-29 23:59:59.999999'", '2024-02-29T23:59:59.999999Z'),
    c_time: cell("'23:59:59.999999'", '23:59:59.999999'),
    c_year: cell('2024', 2024),
    c_json: cell(`'{"a": [1, 2.50, "x"], "n": 12345678901234567890}'`, '{"a": [1, 2.50, "x"], "n": 12345678901234567890}'),
    c_blob: cell("X'00FF10'", bytes('00ff10')),
    c_enum: cell("'large'", 'large'),
    c_set: cell("'a,c'", ['a', 'c']),
    c_bit: cell("b'1000000001'", '1000000001'),
  },
  {
    id: cell('2', 2),
    c_decimal: cell("'-0.001'", '-0.001'),
    c_decimal_wide: cell("'0.0000000001'", '0.0000000001'),
    c_bigint: cell('-9223372036854775808', -9223372036854775808n),
    c_ubigint: cell('0', '0'),
    c_double: cell('-0.1', -0.1),
    c_bool: cell('FALSE', 0),
    c_varchar: cell("''", ''),
    c_text: cell('NULL', null),
    c_date: cell("'1000-01-01'", '1000-01-01'),
    c_datetime: cell("'1000-01-01 00:00:00.000001'", '1000-01-01T00:00:00.000001'),
    c_datetime0: cell("'1970-01-01 00:00:00'", '1970-01-01T00:00:00.000'),
    c_timestamp: cell("'1970-01-01 00:00:01'", '1970-01-01T00:00:01.000000Z'),
    c_time: cell("'-838:59:59'", '-838:59:59.000000'),
    c_year: cell('1901', 1901),
    c_json: cell("'[]'", '[]'),
    c_blob: cell("''", bytes('')),
    c_enum: cell("'small'", 'small'),
    c_set: cell("''", []),
    c_bit: cell("b'0'", '0000000000'),
  },
  {
    id: cell('3', 3),
    c_decimal: cell('NULL', null),
    c_decimal_wide: cell("'9999999999999999999999999999.9999999999'", '9999999999999999999999999999.9999999999'),
    c_bigint: cell('0', 0),
    c_ubigint: cell('9223372036854775808', '9223372036854775808'),
    c_double: cell('NULL', null),
    c_bool: cell('NULL', null),
    c_varchar: cell("'x'", 'x'),
    c_text: cell("''", ''),
    c_date: cell("'0000-00-00'", null),
    c_datetime: cell('NULL', null),
    c_datetime0: cell('NULL', null),
    c_timestamp: cell('NULL', null),
    c_time: cell("'838:59:59.000000'", '838:59:59.000000'),
    c_year: cell('NULL', null),
    c_json: cell('NULL', null),
    c_blob: cell("X'DEADBEEF'", bytes('deadbeef')),
    c_enum: cell('NULL', null),
    c_set: cell("'b'", ['b']),
    c_bit: cell("b'1111111111'", '1111111111'),
  },
];

/** A table with a DECIMAL primary key (schemaless keys need `columnTypes`). */
export const MARIADB_PRICED_COLUMNS: readonly WorkloadColumn[] = [
  { name: 'id', sqlType: 'DECIMAL(6,2) PRIMARY KEY' },
  { name: 'label', sqlType: 'VARCHAR(32)' },
];

/** Statements run before capture starts: the database, tables and the snapshot rows. */
export function mariadbSetupStatements(): string[] {
  return [
    `CREATE DATABASE ${MARIADB_DATABASE}`,
    `USE ${MARIADB_DATABASE}`,
    createSql('types', MARIADB_TYPES_COLUMNS),
    createSql('priced', MARIADB_PRICED_COLUMNS),
    createSql(MARIADB_STOP_TABLE, [{ name: 'id', sqlType: 'INT PRIMARY KEY' }]),
    insertSql('types', MARIADB_TYPES_ROWS[0]!),
    `INSERT INTO priced (id, label) VALUES (0.50, 'snapshot')`,
  ];
}

/** Rows the snapshot must contain (table → count). */
export const MARIADB_SNAPSHOT_COUNTS: Readonly<Record<string, number>> = { types: 1, priced: 1 };

/**
 * The streamed workload as one SQL script: autocommit statements, a multi-table transaction, a
 * rolled-back transaction (never in the binlog), updates, a primary-key change, deletes, an ALTER
 * TABLE and a row with the new column, a TRUNCATE, and last the row that ends the capture.
 */
export function mariadbStreamScript(): string {
  return [
    `USE ${MARIADB_DATABASE}`,
    insertSql('types', MARIADB_TYPES_ROWS[1]!),
    'START TRANSACTION',
    insertSql('types', MARIADB_TYPES_ROWS[2]!),
    `INSERT INTO priced (id, label) VALUES (1.50, 'one fifty')`,
    `UPDATE types SET c_varchar = 'in a transaction' WHERE id = 2`,
    'COMMIT',
    'START TRANSACTION',
    `INSERT INTO priced (id, label) VALUES (9.99, 'rolled back')`,
    'ROLLBACK',
    `UPDATE types SET c_decimal = '-42.100', c_json = '{"k": true}' WHERE id = 1`,
    `UPDATE priced SET id = 2.25 WHERE id = 1.50`,
    `DELETE FROM priced WHERE id = 2.25`,
    `DELETE FROM types WHERE id = 3`,
    'ALTER TABLE priced ADD COLUMN note VARCHAR(16)',
    `INSERT INTO priced (id, label, note) VALUES (3.00, 'after alter', 'new column')`,
    'TRUNCATE TABLE priced',
    `INSERT INTO ${MARIADB_STOP_TABLE} (id) VALUES (1)`,
  ]
    .map((statement) => `${statement};`)
    .join('\n');
}
