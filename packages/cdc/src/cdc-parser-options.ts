import type { CdcFormat } from './cdc-format.js';
import type { ColumnTypeMap } from './column-type.js';

/** How decimals are returned. */
export type DecimalMode = 'string' | 'decimal' | 'number';
/** How temporal logical types are returned. */
export type TemporalMode = 'iso' | 'date' | 'raw';
/** How the connector encoded binary values (Debezium `binary.handling.mode`). */
export type BinaryHandlingMode = 'base64' | 'base64-url-safe' | 'hex';
/** How JSON columns are returned. */
export type JsonMode = 'parse' | 'string';

/**
 * Options of {@link createCdcParser} and the `parseChanges` family. Every option is optional.
 *
 * @example
 * ```ts
 * const parser = createCdcParser({
 *   decimalMode: 'decimal',
 *   temporalMode: 'date',
 *   columnTypes: { 'public.orders': { total: { type: 'decimal', scale: 2 } } },
 * });
 * ```
 */
export interface CdcParserOptions {
  /**
   * The message format, or `'auto'` to detect it from the message's shape.
   * @defaultValue `'auto'`
   */
  readonly format?: CdcFormat | 'auto';
  /**
   * Keep numbers exact: integers beyond 2^53 become `bigint` (nanosecond timestamps, unsigned
   * BIGINT) and decimal literals keep their exact digits. Off: plain `JSON.parse` numbers.
   * @defaultValue `true`
   */
  readonly lossless?: boolean;
  /**
   * Decimals as an exact `string` (`'30.50'`), a {@link Decimal}, or a `number` (may lose digits).
   * @defaultValue `'string'`
   */
  readonly decimalMode?: DecimalMode;
  /**
   * Dates and times as ISO strings (`'2022-10-14'`, `'2022-10-14T23:55:31.989360'`, exact, no zone
   * for zone-less types), as `Date` (UTC, truncated to ms; times of day stay strings), or `'raw'`
   * (the numbers as sent).
   * @defaultValue `'iso'`
   */
  readonly temporalMode?: TemporalMode;
  /**
   * JSON columns (`io.debezium.data.Json`, `json` column types) parsed into values, or kept as text.
   * @defaultValue `'parse'`
   */
  readonly jsonMode?: JsonMode;
  /**
   * Column types for messages without a schema, per table (see {@link ColumnTypeMap}).
   * @defaultValue `{}`
   */
  readonly columnTypes?: ColumnTypeMap;
  /**
   * Decode columns from the types a message names itself (Canal `mysqlType`, wal2json column
   * types): integers, decimals, floats and JSON. `columnTypes` entries win over these.
   * @defaultValue `true`
   */
  readonly useMessageColumnTypes?: boolean;
  /**
   * The connector's `binary.handling.mode`: how logical decoding message content (`op: 'm'`) is
   * encoded. A schema cannot tell base64 text from hex text, so this must match the connector.
   * @defaultValue `'base64'`
   */
  readonly binaryHandlingMode?: BinaryHandlingMode;
  /**
   * Debezium's `unavailable.value.placeholder` (unchanged TOAST columns); such values become
   * `Unavailable`.
   * @defaultValue `'__debezium_unavailable_value'`
   */
  readonly unavailablePlaceholder?: string;
  /**
   * Deepest nesting of objects and arrays decoded; deeper input is a `too-deep` error, never a
   * stack overflow.
   * @defaultValue `64`
   */
  readonly maxDepth?: number;
  /**
   * Largest input accepted, in bytes (UTF-16 code units for strings).
   * @defaultValue `16_777_216` (16 MiB)
   */
  readonly maxInputBytes?: number;
  /**
   * Prefix of AWS DMS before-image columns (`add-before-image-columns` table mapping).
   * @defaultValue `'BI_'`
   */
  readonly dmsBeforeImagePrefix?: string;
  /**
   * Prefix of the metadata fields `ExtractNewRecordState` adds (`add.fields.prefix`).
   * @defaultValue `'__'`
   */
  readonly flattenedFieldPrefix?: string;
  /**
   * How many distinct Debezium schemas (`{schema, payload}` messages) to remember. A message whose
   * schema text equals a remembered one skips parsing and compiling the schema again. 0 disables.
   * @defaultValue `32`
   */
  readonly schemaCacheSize?: number;
}
