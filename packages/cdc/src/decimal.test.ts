import { ErrorCode, IapError } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, bigintFromTwosComplement, bigintToTwosComplement, formatScaled, parseDecimalText } from './decimal.js';
import { base64ToBytesStrict, bytesToBase64 } from './internal/base64.js';

/** Java's BigInteger.toByteArray(), written independently: the minimal two's complement. */
function javaToByteArray(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(BigInt.asUintN(8, rest));
    bytes.unshift(byte);
    rest >>= 8n; // arithmetic shift keeps the sign
    if ((rest === 0n && (byte & 0x80) === 0) || (rest === -1n && (byte & 0x80) !== 0)) return bytes;
  }
}

const unscaled = fc.oneof(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), fc.bigInt({ min: -300n, max: 300n }), fc.constantFrom(0n, -1n, 127n, 128n, -128n, -129n, 255n, 256n, 2n ** 63n, -(2n ** 63n)));
const scale = fc.integer({ min: 0, max: 40 });

describe('Decimal', () => {
  it('decodes the fixture values: C+o= is 30.50, AdTA is 1200.00', () => {
    expect(Decimal.fromBase64('C+o=', 2).toString()).toBe('30.50');
    expect(Decimal.fromBase64('AdTA', 2).toString()).toBe('1200.00');
  });

  it('negative values are two’s complement', () => {
    expect(Decimal.fromBytes(new Uint8Array([0xff, 0x9c]), 2).toString()).toBe('-1.00');
    expect(Decimal.fromBytes(new Uint8Array([0x80]), 0).toString()).toBe('-128');
    expect(Decimal.fromBytes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb]), 3).toString()).toBe('-0.005');
    expect([...Decimal.parse('-1.00').toBytes()]).toEqual([0x9c]); // minimal: -100 fits one byte
  });

  it('formats scale edge cases', () => {
    expect(formatScaled(5n, 3)).toBe('0.005');
    expect(formatScaled(-5n, 3)).toBe('-0.005');
    expect(formatScaled(0n, 2)).toBe('0.00');
    expect(formatScaled(12n, -2)).toBe('1200');
    expect(formatScaled(0n, -2)).toBe('0');
    expect(formatScaled(123, 0)).toBe('123');
  });

  it('parses text exactly, with exponents and trailing zeros', () => {
    expect(Decimal.parse('12345.110')).toMatchObject({ unscaled: 12345110n, scale: 3 });
    expect(Decimal.parse('1.5E-3').toString()).toBe('0.0015');
    expect(Decimal.parse('4e2')).toMatchObject({ unscaled: 400n, scale: 0 });
    expect(Decimal.parse('-.5').toString()).toBe('-0.5');
    expect(Decimal.parse('+7.').toString()).toBe('7');
    expect(Decimal.parse('2.2222222222222224e+27').toString()).toBe('2222222222222222400000000000');
  });

  it.each(['', '.', 'abc', '1.2.3', '1e', '--1', '1e999999', ' 1'])('rejects %j', (text) => {
    expect(parseDecimalText(text)).toBeUndefined();
    expect(() => Decimal.parse(text)).toThrow(IapError);
  });

  it('rejects empty bytes, bad base64 and a non-integer scale', () => {
    const codes = [() => Decimal.fromBytes(new Uint8Array(0), 0), () => Decimal.fromBase64('A', 0), () => Decimal.fromBase64('!!!!', 0), () => new Decimal(1n, 1.5)].map((run) => {
      try {
        run();
        return 'no error';
      } catch (error) {
        return IapError.isInstance(error) ? error.code : 'other';
      }
    });
    expect(codes).toEqual([ErrorCode.VALIDATION, ErrorCode.VALIDATION, ErrorCode.VALIDATION, ErrorCode.VALIDATION]);
  });

  it('withScale pads exactly and refuses to round', () => {
    expect(Decimal.parse('1.5').withScale(3).toString()).toBe('1.500');
    expect(Decimal.parse('1.500').withScale(1).toString()).toBe('1.5');
    expect(() => Decimal.parse('1.55').withScale(1)).toThrow(/without rounding/);
  });

  it('equals compares values across scales; JSON is the exact string', () => {
    expect(Decimal.parse('1.10').equals(Decimal.parse('1.1'))).toBe(true);
    expect(Decimal.parse('1.10').equals(Decimal.parse('1.11'))).toBe(false);
    expect(JSON.stringify({ price: Decimal.parse('0.10') })).toBe('{"price":"0.10"}');
    expect(Decimal.isDecimal(Decimal.parse('1'))).toBe(true);
    expect(Decimal.isDecimal({ unscaled: 1n, scale: 0 })).toBe(false);
  });

  it('property: bytes round trip for random unscaled values and scales, including negatives', () => {
    fc.assert(
      fc.property(unscaled, scale, (value, s) => {
        const decimal = new Decimal(value, s);
        const bytes = decimal.toBytes();
        expect([...bytes]).toEqual(javaToByteArray(value));
        const back = Decimal.fromBytes(bytes, s);
        expect(back.unscaled).toBe(value);
        expect(back.scale).toBe(s);
        expect(Decimal.fromBase64(bytesToBase64(bytes), s).unscaled).toBe(value);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('property: sign-extended (non-minimal) bytes decode to the same value', () => {
    fc.assert(
      fc.property(unscaled, fc.integer({ min: 1, max: 4 }), (value, padding) => {
        const bytes = bigintToTwosComplement(value);
        const extended = new Uint8Array([...new Array<number>(padding).fill(value < 0n ? 0xff : 0x00), ...bytes]);
        expect(bigintFromTwosComplement(extended)).toBe(value);
      }),
      { seed: 43, numRuns: 1000 },
    );
  });

  it('property: text round trip is exact (toString then parse gives the same unscaled and scale)', () => {
    fc.assert(
      fc.property(unscaled, scale, (value, s) => {
        const text = new Decimal(value, s).toString();
        const back = Decimal.parse(text);
        expect(back.unscaled).toBe(value);
        expect(back.scale).toBe(s);
        // and agrees with BigInt arithmetic on the integer part
        const integerPart = value / 10n ** BigInt(s);
        expect(text.replace('-', '').split('.')[0]).toBe((integerPart < 0n ? -integerPart : integerPart).toString());
      }),
      { seed: 44, numRuns: 2000 },
    );
  });

  it('property: base64 codec round trips any bytes (standard and URL-safe)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect([...base64ToBytesStrict(text)!]).toEqual([...bytes]);
        const urlSafe = text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        expect([...base64ToBytesStrict(urlSafe)!]).toEqual([...bytes]);
      }),
      { seed: 45, numRuns: 500 },
    );
  });
});
