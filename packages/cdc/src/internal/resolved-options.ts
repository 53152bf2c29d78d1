import { ErrorCode, IapError } from '@iap/core';
import { CDC_FORMATS, type CdcFormat } from '../cdc-format.js';
import type { BinaryHandlingMode, CdcParserOptions, DecimalMode, JsonMode, TemporalMode } from '../cdc-parser-options.js';
import type { ColumnType, ColumnTypeMap } from '../column-type.js';
import { bytesToBase64 } from './base64.js';

/** {@link CdcParserOptions} with every default applied and validated. */
export interface ResolvedParserOptions {
  readonly format: CdcFormat | 'auto';
  readonly lossless: boolean;
  readonly decimalMode: DecimalMode;
  readonly temporalMode: TemporalMode;
  readonly jsonMode: JsonMode;
  readonly columnTypes: ColumnTypeMap;
  readonly hasColumnTypes: boolean;
  readonly useMessageColumnTypes: boolean;
  readonly unavailablePlaceholder: string;
  readonly binaryHandlingMode: BinaryHandlingMode;
  /** The placeholder as base64 of its UTF-8 bytes (what binary columns carry). */
  readonly unavailablePlaceholderBase64: string;
  readonly maxDepth: number;
  readonly maxInputBytes: number;
  readonly dmsBeforeImagePrefix: string;
  readonly flattenedFieldPrefix: string;
  readonly schemaCacheSize: number;
}

const DEFAULTS = {
  format: 'auto',
  lossless: true,
  decimalMode: 'string',
  temporalMode: 'iso',
  jsonMode: 'parse',
  useMessageColumnTypes: true,
  unavailablePlaceholder: '__debezium_unavailable_value',
  maxDepth: 64,
  maxInputBytes: 16 * 1024 * 1024,
  dmsBeforeImagePrefix: 'BI_',
  flattenedFieldPrefix: '__',
  schemaCacheSize: 32,
} as const;

const COLUMN_TYPES: ReadonlySet<string> = new Set<ColumnType['type']>([
  'decimal', 'variable-scale-decimal', 'integer', 'float', 'date', 'time-millis', 'time-micros', 'time-nanos',
  'timestamp-millis', 'timestamp-micros', 'timestamp-nanos', 'zoned-timestamp', 'json', 'enum-set', 'bits', 'bytes', 'geometry', 'string', 'array',
]);

function invalid(name: string, expectation: string): never {
  throw new IapError(ErrorCode.INVALID_OPTIONS, `CDC parser option ${name} must be ${expectation}`);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) invalid(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return value as T;
}

function integerAtLeast(name: string, value: unknown, minimum: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) invalid(name, `an integer >= ${minimum}`);
  return value;
}

function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(name, 'a boolean');
  return value;
}

function stringOption(name: string, value: unknown, fallback: string, allowEmpty: boolean): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (!allowEmpty && value === '')) invalid(name, allowEmpty ? 'a string' : 'a non-empty string');
  return value;
}

function validateColumnTypes(value: unknown): ColumnTypeMap {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('columnTypes', 'an object of tables');
  for (const [table, columns] of Object.entries(value)) {
    if (typeof columns !== 'object' || columns === null || Array.isArray(columns)) invalid(`columnTypes['${table}']`, 'an object of columns');
    for (const [column, type] of Object.entries(columns as object)) {
      const name = `columnTypes['${table}']['${column}']`;
      const typeName: unknown = typeof type === 'object' && type !== null ? (type as { type?: unknown }).type : undefined;
      if (typeof typeName !== 'string' || !COLUMN_TYPES.has(typeName)) invalid(name, `an object with a known type (${[...COLUMN_TYPES].join(', ')})`);
      const { scale, length, encoding } = type as { scale?: unknown; length?: unknown; encoding?: unknown };
      if (scale !== undefined && (typeof scale !== 'number' || !Number.isSafeInteger(scale))) invalid(`${name}.scale`, 'an integer');
      if (length !== undefined && (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 1)) invalid(`${name}.length`, 'a positive integer');
      const encodings = typeName === 'bytes' ? ['base64', 'hex'] : ['base64', 'text'];
      if (encoding !== undefined && !encodings.includes(encoding as string)) invalid(`${name}.encoding`, `'${encodings[0]}' or '${encodings[1]}'`);
      const { items } = type as { items?: unknown };
      const itemType: unknown = typeof items === 'object' && items !== null ? (items as { type?: unknown }).type : undefined;
      if (items !== undefined && (typeof itemType !== 'string' || !COLUMN_TYPES.has(itemType))) invalid(`${name}.items`, 'a column type object');
    }
  }
  return value as ColumnTypeMap;
}

/**
 * Applies defaults and validates, once (the one place defaults live).
 *
 * @throws IapError `INVALID_OPTIONS` naming the option and what it must be.
 */
export function resolveParserOptions(options: CdcParserOptions = {}): ResolvedParserOptions {
  if (typeof options !== 'object' || options === null) invalid('object', 'an object');
  const columnTypes = validateColumnTypes(options.columnTypes);
  const unavailablePlaceholder = stringOption('unavailablePlaceholder', options.unavailablePlaceholder, DEFAULTS.unavailablePlaceholder, false);
  return Object.freeze({
    format: oneOf('format', options.format, ['auto', ...CDC_FORMATS], DEFAULTS.format),
    lossless: booleanOption('lossless', options.lossless, DEFAULTS.lossless),
    decimalMode: oneOf('decimalMode', options.decimalMode, ['string', 'decimal', 'number'], DEFAULTS.decimalMode),
    temporalMode: oneOf('temporalMode', options.temporalMode, ['iso', 'date', 'raw'], DEFAULTS.temporalMode),
    jsonMode: oneOf('jsonMode', options.jsonMode, ['parse', 'string'], DEFAULTS.jsonMode),
    columnTypes,
    hasColumnTypes: Object.keys(columnTypes).length > 0,
    useMessageColumnTypes: booleanOption('useMessageColumnTypes', options.useMessageColumnTypes, DEFAULTS.useMessageColumnTypes),
    unavailablePlaceholder,
    binaryHandlingMode: oneOf('binaryHandlingMode', options.binaryHandlingMode, ['base64', 'base64-url-safe', 'hex'], 'base64'),
    unavailablePlaceholderBase64: bytesToBase64(new TextEncoder().encode(unavailablePlaceholder)),
    maxDepth: integerAtLeast('maxDepth', options.maxDepth, 2, DEFAULTS.maxDepth),
    maxInputBytes: integerAtLeast('maxInputBytes', options.maxInputBytes, 1, DEFAULTS.maxInputBytes),
    dmsBeforeImagePrefix: stringOption('dmsBeforeImagePrefix', options.dmsBeforeImagePrefix, DEFAULTS.dmsBeforeImagePrefix, false),
    flattenedFieldPrefix: stringOption('flattenedFieldPrefix', options.flattenedFieldPrefix, DEFAULTS.flattenedFieldPrefix, false),
    schemaCacheSize: integerAtLeast('schemaCacheSize', options.schemaCacheSize, 0, DEFAULTS.schemaCacheSize),
  });
}
