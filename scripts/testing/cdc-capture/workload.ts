/**
 * The CDC capture workload: the tables, the rows and the statements the capture drives through
 * Debezium and wal2json, with the value each column must decode to. Tests compare every parsed
 * value with `expect` here; nothing is read back from the captured streams to build it.
 *
 * Expected values use @iap/cdc's default output with a schema and `decimal.handling.mode=precise`,
 * `binary.handling.mode=bytes` (decimals as exact strings, temporal values as ISO text with the
 * type's precision, JSON parsed, bytes as `{ $bytes: hex }`, unavailable TOAST as
 * `{ $unavailable: true }`); the live test maps them to other settings where Debezium itself differs.
 */

/** One column of a workload table. */
export interface WorkloadColumn {
  readonly name: string;
  /** PostgreSQL type as written in CREATE TABLE. */
  readonly sqlType: string;
}

/** One cell: the SQL literal written and the value it must come out as. */
export interface WorkloadCell {
  readonly sql: string;
  readonly expect: unknown;
}

/** A row written by the workload: column → cell. */
export type WorkloadRow = Readonly<Record<string, WorkloadCell>>;

const cell = (sql: string, expect: unknown): WorkloadCell => ({ sql, expect });
const bytes = (hex: string): { $bytes: string } => ({ $bytes: hex });

/** The all-types table. */
export const TYPES_COLUMNS: readonly WorkloadColumn[] = [
  { name: 'id', sqlType: 'integer primary key' },
  { name: 'c_numeric', sqlType: 'numeric(12,3)' },
  { name: 'c_numeric_free', sqlType: 'numeric' },
  { name: 'c_int2', sqlType: 'smallint' },
  { name: 'c_int8', sqlType: 'bigint' },
  { name: 'c_float8', sqlType: 'double precision' },
  { name: 'c_bool', sqlType: 'boolean' },
  { name: 'c_text', sqlType: 'text' },
  { name: 'c_date', sqlType: 'date' },
  { name: 'c_ts', sqlType: 'timestamp' },
  { name: 'c_tstz', sqlType: 'timestamptz' },
  { name: 'c_time', sqlType: 'time' },
  { name: 'c_timetz', sqlType: 'timetz' },
  { name: 'c_interval', sqlType: 'interval' },
  { name: 'c_uuid', sqlType: 'uuid' },
  { name: 'c_json', sqlType: 'json' },
  { name: 'c_jsonb', sqlType: 'jsonb' },
  { name: 'c_bytea', sqlType: 'bytea' },
  { name: 'c_int_arr', sqlType: 'integer[]' },
  { name: 'c_text_arr', sqlType: 'text[]' },
];

/** Rows of `types`; row 1 is written before the snapshot, the others while streaming. */
export const TYPES_ROWS: readonly WorkloadRow[] = [
  {
    id: cell('1', 1),
    c_numeric: cell("'12345.678'", '12345.678'),
    c_numeric_free: cell("'-0.000000001'", '-0.000000001'),
    c_int2: cell('-32768', -32768),
    c_int8: cell('9223372036854775807', 9223372036854775807n),
    c_float8: cell("'1.5e300'", 1.5e300),
    c_bool: cell('true', true),
    c_text: cell("'snapshot row: ünïcødé ✓'", 'snapshot row: ünïcødé ✓'),
    c_date: cell("'1969-07-20'", '1969-07-20'),
    c_ts: cell("'1969-07-20 20:17:40.123456'", '1969-07-20T20:17:40.123456'),
    c_tstz: cell("'2024-02-29 23:59:59.999999+00'", '2024-02-29T23:59:59.999999Z'),
    c_time: cell("'23:59:59.999999'", '23:59:59.999999'),
    c_timetz: cell("'10:11:12.5+02'", '08:11:12.5Z'),
    c_interval: cell("'1 day 02:03:04.5'", 93_784_500_000),
    c_uuid: cell("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
    c_json: cell(`'{"a": [1, 2.50, "x"]}'`, { a: [1, 2.5, 'x'] }),
    c_jsonb: cell(`'{"b": null, "n": 12345678901234567890}'`, { b: null, n: 12345678901234567890n }),
    c_bytea: cell("'\\x00ff10'", bytes('00ff10')),
    c_int_arr: cell("'{1,-2,3}'", [1, -2, 3]),
    c_text_arr: cell(`'{"a b","",null}'`, ['a b', '', null]),
  },
  {
    id: cell('2', 2),
    c_numeric: cell("'-0.001'", '-0.001'),
    c_numeric_free: cell("'NaN'", 'NaN'),
    c_int2: cell('32767', 32767),
    c_int8: cell('-9223372036854775808', -9223372036854775808n),
    c_float8: cell("'NaN'", Number.NaN),
    c_bool: cell('false', false),
    c_text: cell("''", ''),
    c_date: cell("'infinity'", 'infinity'),
    c_ts: cell("'-infinity'", '-infinity'),
    c_tstz: cell("'infinity'", 'infinity'),
    c_time: cell("'00:00:00'", '00:00:00.000000'),
    c_timetz: cell("'00:00:00+00'", '00:00:00Z'),
    c_interval: cell("'-3 months'", -7_889_400_000_000),
    c_uuid: cell("'00000000-0000-0000-0000-000000000000'", '00000000-0000-0000-0000-000000000000'),
    c_json: cell("'[]'", []),
    c_jsonb: cell("'\"text\"'", 'text'),
    c_bytea: cell("''", bytes('')),
    c_int_arr: cell("'{}'", []),
    c_text_arr: cell("'{}'", []),
  },
  {
    id: cell('3', 3),
    c_numeric: cell("'999999999.999'", '999999999.999'),
    c_numeric_free: cell("'123456789012345678901234567890.123456789'", '123456789012345678901234567890.123456789'),
    c_int2: cell('0', 0),
    c_int8: cell('0', 0),
    c_float8: cell("'-Infinity'", Number.NEGATIVE_INFINITY),
    c_bool: cell('null', null),
    c_text: cell("E'line\\nbreak \"quoted\" \\\\ back'", 'line\nbreak "quoted" \\ back'),
    c_date: cell("'-infinity'", '-infinity'),
    c_ts: cell("'infinity'", 'infinity'),
    c_tstz: cell("'-infinity'", '-infinity'),
    c_time: cell("'12:00:00.000001'", '12:00:00.000001'),
    c_timetz: cell("'23:30:00-05:30'", '05:00:00Z'),
    c_interval: cell("'0'", 0),
    c_uuid: cell('null', null),
    c_json: cell('null', null),
    c_jsonb: cell("'{}'", {}),
    c_bytea: cell("'\\xdeadbeef'", bytes('deadbeef')),
    c_int_arr: cell("'{2147483647,null}'", [2147483647, null]),
    c_text_arr: cell('null', null),
  },
  {
    id: cell('4', 4),
    c_numeric: cell("'0'", '0.000'),
    c_numeric_free: cell("'1e-20'", '0.00000000000000000001'),
    c_int2: cell('1', 1),
    c_int8: cell('9007199254740993', 9007199254740993n),
    c_float8: cell("'-0.1'", -0.1),
    c_bool: cell('true', true),
    c_text: cell("'x'", 'x'),
    c_date: cell("'9999-12-31'", '9999-12-31'),
    c_ts: cell("'0001-01-01 00:00:00'", '0001-01-01T00:00:00.000000'),
    c_tstz: cell("'1900-01-01 00:00:00+00'", '1900-01-01T00:00:00.000000Z'),
    c_time: cell("'01:02:03'", '01:02:03.000000'),
    c_timetz: cell("'01:02:03+00'", '01:02:03Z'),
    c_interval: cell("'1 year'", 31_557_600_000_000),
    c_uuid: cell("'ffffffff-ffff-ffff-ffff-ffffffffffff'", 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
    c_json: cell("'1.0'", 1),
    c_jsonb: cell("'[true, false]'", [true, false]),
    c_bytea: cell('null', null),
    c_int_arr: cell('null', null),
    c_text_arr: cell(`'{"\\"q\\"","ü"}'`, ['"q"', 'ü']),
  },
];

/** The TOAST tables: `docs` (REPLICA IDENTITY DEFAULT) and `docs_full` (FULL). */
export const DOCS_COLUMNS: readonly WorkloadColumn[] = [
  { name: 'id', sqlType: 'integer primary key' },
  { name: 'n', sqlType: 'integer' },
  { name: 'body', sqlType: 'text' },
  { name: 'tags', sqlType: 'text[]' },
];

/** SQL of a large, poorly compressible text (TOASTed out of line): 400 md5 digests. */
export const BIG_TEXT_SQL = "(SELECT string_agg(md5('b' || i), '') FROM generate_series(1, 400) i)";
/** SQL of a large text array (TOASTed): 300 md5 digests. */
export const BIG_ARRAY_SQL = "(SELECT array_agg(md5('t' || i)) FROM generate_series(1, 300) i)";

/** The priced table: a numeric primary key (schemaless keys need `columnTypes`). */
export const PRICED_COLUMNS: readonly WorkloadColumn[] = [
  { name: 'id', sqlType: 'numeric(6,2) primary key' },
  { name: 'label', sqlType: 'text' },
];

/** Prefix of the transactional logical message and its text content. */
export const MESSAGE_TEXT = { prefix: 'iap-text', content: 'hello, decoder' } as const;
/** Prefix of the non-transactional binary logical message and its content (hex). */
export const MESSAGE_BINARY = { prefix: 'iap-bin', hex: '00ff10' } as const;
/** Prefix of the non-transactional message that ends a capture. */
export const STOP_PREFIX = 'iap-capture-end';

/** `INSERT INTO table (...) VALUES (...)` of a workload row's SQL literals. */
export function insertSql(table: string, row: WorkloadRow): string {
  const names = Object.keys(row);
  return `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((name) => row[name]!.sql).join(', ')})`;
}

/** `CREATE TABLE table (...)` of workload columns. */
export function createSql(table: string, columns: readonly WorkloadColumn[]): string {
  return `CREATE TABLE ${table} (${columns.map((column) => `${column.name} ${column.sqlType}`).join(', ')})`;
}

/** Statements run before capture starts: tables, replica identities, the snapshot rows. */
export function setupStatements(): string[] {
  return [
    createSql('types', TYPES_COLUMNS),
    createSql('docs', DOCS_COLUMNS),
    createSql('docs_full', DOCS_COLUMNS),
    'ALTER TABLE docs_full REPLICA IDENTITY FULL',
    createSql('priced', PRICED_COLUMNS),
    insertSql('types', TYPES_ROWS[0]!),
    `INSERT INTO priced (id, label) VALUES (0.50, 'snapshot')`,
    'CREATE PUBLICATION iap_capture FOR ALL TABLES',
  ];
}

/** Rows the snapshot must contain (table → count). */
export const SNAPSHOT_COUNTS: Readonly<Record<string, number>> = { types: 1, priced: 1 };

/**
 * The streamed workload: each inner array is one transaction (one statement = autocommit).
 * The last entry is the non-transactional stop message.
 */
export function streamTransactions(): string[][] {
  const docs = (table: string): string[][] => [
    [`INSERT INTO ${table} (id, n, body, tags) VALUES (1, 0, ${BIG_TEXT_SQL}, ${BIG_ARRAY_SQL})`],
    [`UPDATE ${table} SET n = 1 WHERE id = 1`],
    [`UPDATE ${table} SET body = 'short', n = 2 WHERE id = 1`],
    [`DELETE FROM ${table} WHERE id = 1`],
  ];
  return [
    [insertSql('types', TYPES_ROWS[1]!)],
    [
      insertSql('types', TYPES_ROWS[2]!),
      insertSql('types', TYPES_ROWS[3]!),
      `INSERT INTO priced (id, label) VALUES (1.50, 'one fifty')`,
      `SELECT pg_logical_emit_message(true, '${MESSAGE_TEXT.prefix}', '${MESSAGE_TEXT.content}')`,
    ],
    [`SELECT pg_logical_emit_message(false, '${MESSAGE_BINARY.prefix}', '\\x${MESSAGE_BINARY.hex}'::bytea)`],
    [`UPDATE types SET c_numeric = '-42.100', c_numeric_free = 'NaN' WHERE id = 1`],
    ...docs('docs'),
    ...docs('docs_full'),
    [`UPDATE priced SET id = 2.25 WHERE id = 1.50`],
    [`DELETE FROM priced WHERE id = 2.25`],
    [`DELETE FROM types WHERE id = 4`],
    ['TRUNCATE priced'],
    [`SELECT pg_logical_emit_message(false, '${STOP_PREFIX}', 'done')`],
  ];
}
