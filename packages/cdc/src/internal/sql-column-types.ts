import type { ColumnType } from '../column-type.js';

const INTEGER: ColumnType = { type: 'integer' };
const FLOAT: ColumnType = { type: 'float' };
const JSON_TYPE: ColumnType = { type: 'json' };
const DECIMAL_TEXT: ColumnType = { type: 'decimal' };

const MYSQL_INTEGER = /^(?:tinyint|smallint|mediumint|int|integer|bigint)\b/;
const MYSQL_FLOAT = /^(?:float|double|real)\b/;
const DECIMAL_WITH_SCALE = /^(?:decimal|numeric|dec|fixed)\s*\(\s*\d+\s*,\s*(\d+)\s*\)/;
const DECIMAL_NAME = /^(?:decimal|numeric|dec|fixed)\b/;

/**
 * The decoding of a MySQL column type as Canal names it (`int(11) unsigned`, `decimal(10,2)`,
 * `varchar(10)`): integers, decimals (with scale), floats and JSON; undefined for text-like types.
 */
export function mysqlColumnType(mysqlType: string): ColumnType | undefined {
  const type = mysqlType.trim().toLowerCase();
  if (MYSQL_INTEGER.test(type)) return INTEGER;
  const scaled = DECIMAL_WITH_SCALE.exec(type);
  if (scaled !== null) return { type: 'decimal', scale: Number(scaled[1]) };
  if (DECIMAL_NAME.test(type)) return DECIMAL_TEXT;
  if (MYSQL_FLOAT.test(type)) return FLOAT;
  if (type === 'json') return JSON_TYPE;
  return undefined;
}

const PG_INTEGERS = new Set(['int2', 'int4', 'int8', 'smallint', 'integer', 'bigint', 'oid', 'xid', 'serial', 'bigserial', 'smallserial']);
const PG_FLOATS = new Set(['float4', 'float8', 'real', 'double precision']);
const PG_JSON = new Set(['json', 'jsonb']);
const PG_DECIMAL = /^(?:numeric|decimal)(?:\s*\(\s*\d+\s*(?:,\s*(\d+)\s*)?\))?$/;

/**
 * The decoding of a PostgreSQL column type as wal2json names it (`int8`, `numeric(5,3)`,
 * `double precision`, `jsonb`): integers, decimals, floats and JSON; undefined otherwise.
 */
export function postgresColumnType(pgType: string): ColumnType | undefined {
  const type = pgType.trim().toLowerCase();
  if (PG_INTEGERS.has(type)) return INTEGER;
  if (PG_FLOATS.has(type)) return FLOAT;
  if (PG_JSON.has(type)) return JSON_TYPE;
  const decimal = PG_DECIMAL.exec(type);
  if (decimal !== null) return decimal[1] === undefined ? DECIMAL_TEXT : { type: 'decimal', scale: Number(decimal[1]) };
  return undefined;
}
