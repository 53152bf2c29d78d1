import { describe, expect, it } from 'vitest';
import { catchCdcParseError } from '../__fixtures__/catch-cdc-parse-error.js';
import type { CdcParserOptions } from '../cdc-parser-options.js';
import type { ColumnType } from '../column-type.js';
import { Decimal } from '../decimal.js';
import { Unavailable } from '../unavailable.js';
import type { DecodeContext } from './decode-context.js';
import { ExactLiterals } from './json-text.js';
import { resolveParserOptions } from './resolved-options.js';
import { decoderForColumnType, planFromColumnTypes } from './column-type-decoders.js';
import { arrayDecoder, decodeRow, mapDecoder, variableScaleDecimalDecoder, type ValueDecoder } from './value-decoders.js';

function context(options: CdcParserOptions = {}, exact?: ExactLiterals): DecodeContext {
  return { options: resolveParserOptions(options), exact, format: 'debezium' };
}

function decode(type: ColumnType | ValueDecoder, value: unknown, options: CdcParserOptions = {}): unknown {
  const decoder = typeof type === 'function' ? type : decoderForColumnType(type);
  return decoder(value, context(options), { v: value }, 'v', ['after']);
}

describe('value decoders', () => {
  it('decimals: text, numbers, bigints, base64, non-finite text, and the three modes', () => {
    expect(decode({ type: 'decimal', scale: 2 }, '10.5')).toBe('10.50');
    expect(decode({ type: 'decimal' }, '-0.00')).toBe('0.00');
    expect(decode({ type: 'decimal', scale: 3 }, 12.5)).toBe('12.500');
    expect(decode({ type: 'decimal', scale: 2 }, 12345678901234567890n)).toBe('12345678901234567890.00');
    expect(decode({ type: 'decimal', scale: 2, encoding: 'base64' }, 'C+o=')).toBe('30.50');
    expect(decode({ type: 'decimal', scale: 2 }, 'NaN')).toBe('NaN');
    expect(decode({ type: 'decimal', scale: 2 }, '1.5', { decimalMode: 'number' })).toBe(1.5);
    const asDecimal = decode({ type: 'decimal', scale: 2 }, '1.5', { decimalMode: 'decimal' });
    expect(Decimal.isDecimal(asDecimal) && asDecimal.toString()).toBe('1.50');
    expect(decode({ type: 'decimal', scale: 2 }, null)).toBeNull();
  });

  it('decimals from JSON numbers use the exact literal when the parser recorded one', () => {
    const text = '{"after":{"v":1.23456789012345678901}}';
    const container = { v: 1.2345678901234567 };
    const decoder = decoderForColumnType({ type: 'decimal' });
    expect(decoder(container.v, context({}, new ExactLiterals(text, [])), container, 'v', ['after'])).toBe('1.23456789012345678901');
    expect(decoder(container.v, context({}, undefined), container, 'v', ['after'])).toBe('1.2345678901234567');
  });

  it('variable scale decimals', () => {
    expect(decode(variableScaleDecimalDecoder, { scale: 3, value: 'MDk=' })).toBe('12.345');
    expect(catchCdcParseError(() => decode(variableScaleDecimalDecoder, { scale: 'x', value: 'MDk=' })).path).toBe('after.v.scale');
  });

  it('bad values fail with invalid-value and the column path, never the value', () => {
    const error = catchCdcParseError(() => decode({ type: 'decimal', scale: 2, encoding: 'base64' }, 'not base64!'));
    expect(error).toMatchObject({ reason: 'invalid-value', path: 'after.v', format: 'debezium' });
    expect(error.message).not.toContain('not base64!');
    expect(catchCdcParseError(() => decode({ type: 'decimal' }, 'ten')).reason).toBe('invalid-value');
    expect(catchCdcParseError(() => decode({ type: 'decimal' }, true)).reason).toBe('invalid-value');
    expect(catchCdcParseError(() => decode({ type: 'integer' }, '1.5')).reason).toBe('invalid-value');
    expect(catchCdcParseError(() => decode({ type: 'float' }, 'abc')).reason).toBe('invalid-value');
    expect(catchCdcParseError(() => decode({ type: 'json' }, '{"a":')).message).toContain('not valid JSON text');
    expect(catchCdcParseError(() => decode({ type: 'bytes' }, 'a b')).reason).toBe('invalid-value');
    expect(catchCdcParseError(() => decode({ type: 'timestamp-micros' }, 1.5)).reason).toBe('invalid-value');
    expect(catchCdcParseError(() => decode({ type: 'date' }, 1e12)).reason).toBe('invalid-value');
  });

  it('integers and floats from text (Canal) and Jackson’s non-finite strings', () => {
    expect(decode({ type: 'integer' }, '42')).toBe(42);
    expect(decode({ type: 'integer' }, '18446744073709551615')).toBe(18446744073709551615n);
    expect(decode({ type: 'integer' }, '18446744073709551615', { lossless: false })).toBe(18446744073709552000);
    expect(decode({ type: 'float' }, 'NaN')).toBeNaN();
    expect(decode({ type: 'float' }, '-Infinity')).toBe(-Infinity);
    expect(decode({ type: 'float' }, '2.5e3')).toBe(2500);
  });

  it('temporal types in the three modes', () => {
    expect(decode({ type: 'date' }, 19279)).toBe('2022-10-14');
    expect(decode({ type: 'date' }, 19279, { temporalMode: 'date' })).toEqual(new Date('2022-10-14T00:00:00Z'));
    expect(decode({ type: 'date' }, 19279, { temporalMode: 'raw' })).toBe(19279);
    expect(decode({ type: 'timestamp-nanos' }, 1746440316214861840n)).toBe('2025-05-05T10:18:36.214861840');
    expect(decode({ type: 'timestamp-nanos' }, 1746440316214861840n, { temporalMode: 'date' })).toEqual(new Date(1746440316214));
    expect(decode({ type: 'time-micros' }, 86131989360, { temporalMode: 'date' })).toBe('23:55:31.989360');
    expect(decode({ type: 'zoned-timestamp' }, '2023-03-23T22:00:10.123456Z', { temporalMode: 'date' })).toEqual(new Date('2023-03-23T22:00:10.123Z'));
    expect(catchCdcParseError(() => decode({ type: 'timestamp-micros' }, 9223372036854775807n, { temporalMode: 'date' })).message).toContain('outside the range');
  });

  it('bytes: base64, or hex by encoding or by the parser binaryHandlingMode (never hex read as base64)', () => {
    const hex = (value: unknown): string => Buffer.from(value as Uint8Array).toString('hex');
    expect(hex(decode({ type: 'bytes' }, 'AP8Q'))).toBe('00ff10');
    expect(hex(decode({ type: 'bytes', encoding: 'hex' }, '00ff10'))).toBe('00ff10');
    expect(hex(decode({ type: 'bytes' }, '00FF10', { binaryHandlingMode: 'hex' }))).toBe('00ff10');
    expect(hex(decode({ type: 'bytes', encoding: 'base64' }, 'AP8Q', { binaryHandlingMode: 'hex' }))).toBe('00ff10');
    expect(hex(decode({ type: 'bytes' }, 'AP8Q', { binaryHandlingMode: 'base64-url-safe' }))).toBe('00ff10');
    expect(decode({ type: 'bytes', encoding: 'hex' }, null)).toBeNull();
    expect(decode({ type: 'bytes', encoding: 'hex' }, '__debezium_unavailable_value')).toBe(Unavailable);
    for (const bad of ['0f0', 'zz']) expect(catchCdcParseError(() => decode({ type: 'bytes', encoding: 'hex' }, bad))).toMatchObject({ reason: 'invalid-value', path: 'after.v' });
    expect(catchCdcParseError(() => decode({ type: 'bytes' }, 42, { binaryHandlingMode: 'hex' })).reason).toBe('invalid-value');
  });

  it('bits are little-endian bytes shown most significant bit first', () => {
    expect(decode({ type: 'bits', length: 16 }, Buffer.from([0xc7, 0x07]).toString('base64'))).toBe('0000011111000111');
    expect(decode({ type: 'bits', length: 3 }, Buffer.from([0x05]).toString('base64'))).toBe('101');
    expect(decode({ type: 'bits' }, true)).toBe(true);
  });

  it('enum sets, JSON modes, geometry', () => {
    expect(decode({ type: 'enum-set' }, '')).toEqual([]);
    expect(decode({ type: 'enum-set' }, 'a,b')).toEqual(['a', 'b']);
    expect(decode({ type: 'json' }, '{"n":12345678901234567890}')).toEqual({ n: 12345678901234567890n });
    expect(decode({ type: 'json' }, '{"a":1}', { jsonMode: 'string' })).toBe('{"a":1}');
    const geometry = decode({ type: 'geometry' }, { wkb: 'AQEAAAAAAAAAAADwPwAAAAAAAPA/', srid: 4326 }) as { wkb: Uint8Array; srid: number };
    expect(geometry.srid).toBe(4326);
    expect(geometry.wkb).toHaveLength(21);
  });

  it('unchanged TOAST placeholders become Unavailable in text, bytes and array columns', () => {
    const placeholder = '__debezium_unavailable_value';
    expect(decode({ type: 'string' }, placeholder)).toBe(Unavailable);
    expect(decode({ type: 'bytes' }, Buffer.from(placeholder).toString('base64'))).toBe(Unavailable);
    expect(decode({ type: 'json' }, placeholder)).toBe(Unavailable);
    expect(decode(arrayDecoder(undefined), [placeholder])).toBe(Unavailable);
    expect(decode({ type: 'string' }, '__custom__', { unavailablePlaceholder: '__custom__' })).toBe(Unavailable);
  });

  it('maps: objects and arrays of pairs', () => {
    const decoder = mapDecoder(decoderForColumnType({ type: 'date' }));
    expect(decode(decoder, { a: 0 })).toEqual({ a: '1970-01-01' });
    expect(decode(decoder, [[1, 1]])).toEqual([[1, '1970-01-02']]);
    expect(catchCdcParseError(() => decode(decoder, [[1]])).path).toBe('after.v[0]');
  });
});

describe('decodeRow', () => {
  it('returns the same object when nothing needs decoding, copies on write otherwise', () => {
    const row = { a: 1, b: 'x' };
    expect(decodeRow(row, undefined, context(), [])).toBe(row);
    const toasted = { a: 1, b: '__debezium_unavailable_value' };
    const decoded = decodeRow(toasted, undefined, context(), []);
    expect(decoded).not.toBe(toasted);
    expect(decoded).toEqual({ a: 1, b: Unavailable });
    expect(toasted.b).toBe('__debezium_unavailable_value');
  });

  it('keeps a __proto__ column as data, never as the prototype', () => {
    const input = JSON.parse('{"__proto__":{"x":1},"d":0}') as Record<string, unknown>;
    const row = decodeRow(input, planFromColumnTypes({ d: { type: 'date' } }), context(), []);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(row, '__proto__')).toBe(true);
    expect(row.d).toBe('1970-01-01');
  });

  it('rejects a row that is not an object', () => {
    expect(catchCdcParseError(() => decodeRow([1], undefined, context(), ['payload', 'after'])).path).toBe('payload.after');
  });
});
