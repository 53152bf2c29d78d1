/**
 * How to decode a column of a message that carries no schema (schemaless Debezium, Maxwell, Canal,
 * wal2json, DMS, Datastream), given per table in the `columnTypes` option. With a Debezium schema
 * the same decoding happens automatically from the schema's logical type names.
 *
 * | type | input | output (default modes) |
 * |---|---|---|
 * | `decimal` | JSON number (exact literal), decimal string, or base64 bytes with `encoding: 'base64'` | exact string |
 * | `variable-scale-decimal` | `{scale, value}` (base64) | exact string |
 * | `integer` | number, bigint or digit string | number, bigint beyond 2^53 |
 * | `float` | number or `"NaN"`/`"Infinity"` strings | number |
 * | `date` | days since epoch | `'YYYY-MM-DD'` |
 * | `time-millis` / `time-micros` / `time-nanos` | since midnight | `'HH:MM:SS.fff…'` |
 * | `timestamp-millis` / `timestamp-micros` / `timestamp-nanos` | since epoch, no zone | `'YYYY-MM-DDTHH:MM:SS.fff…'` |
 * | `zoned-timestamp` | ISO string with offset | the string (or `Date`) |
 * | `json` | JSON text | parsed value (or the text) |
 * | `enum-set` | `'a,b'` | `['a', 'b']` |
 * | `bits` | base64, little-endian | bit string, most significant bit first |
 * | `bytes` | base64, or hex with `encoding: 'hex'` (default: the parser's `binaryHandlingMode`) | `Uint8Array` |
 * | `geometry` | `{wkb, srid}` | `{wkb: Uint8Array, srid}` |
 * | `array` | JSON array (Debezium PostgreSQL arrays), each item decoded with `items` | array; `Unavailable` for the unchanged-TOAST `["__debezium_unavailable_value"]` |
 * | `string` | anything | unchanged |
 */
export type ColumnType =
  | { readonly type: 'decimal'; readonly scale?: number; readonly encoding?: 'base64' | 'text' }
  | { readonly type: 'variable-scale-decimal' }
  | { readonly type: 'integer' }
  | { readonly type: 'float' }
  | { readonly type: 'date' }
  | { readonly type: 'time-millis' }
  | { readonly type: 'time-micros' }
  | { readonly type: 'time-nanos' }
  | { readonly type: 'timestamp-millis' }
  | { readonly type: 'timestamp-micros' }
  | { readonly type: 'timestamp-nanos' }
  | { readonly type: 'zoned-timestamp' }
  | { readonly type: 'json' }
  | { readonly type: 'enum-set' }
  | { readonly type: 'bits'; readonly length?: number }
  | { readonly type: 'bytes'; readonly encoding?: 'base64' | 'hex' }
  | { readonly type: 'geometry' }
  | { readonly type: 'string' }
  | { readonly type: 'array'; readonly items?: ColumnType };

/** The names of every {@link ColumnType}. */
export type ColumnTypeName = ColumnType['type'];

/**
 * Column types per table for schemaless messages: table key → column → type. A table key is
 * `'schema.table'` (or `'database.table'`), `'table'`, or `'*'` for every table; the most specific
 * key that exists wins.
 *
 * @example
 * ```ts
 * const columnTypes: ColumnTypeMap = { 'public.orders': { price: { type: 'decimal', scale: 2 } } };
 * ```
 */
export type ColumnTypeMap = { readonly [table: string]: { readonly [column: string]: ColumnType } };
