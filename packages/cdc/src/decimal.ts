import { ErrorCode, IapError } from '@iap/core';
import { base64ToBytesStrict } from './internal/base64.js';

const DECIMAL_BRAND = Symbol.for('iap.cdc.decimal');
const DECIMAL_TEXT = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
/** Largest scale (or exponent) accepted when parsing text, so `1e999999999` cannot exhaust memory. */
const MAX_SCALE = 100_000;

/**
 * An exact decimal number: `unscaled × 10^-scale`, as Kafka Connect's `Decimal` logical type and
 * SQL `NUMERIC` define it. Never passes through a float. `toString()` (and `toJSON()`) print the
 * exact digits with `scale` fraction digits (`Decimal.parse('3.540').toString() === '3.540'`).
 *
 * Debezium's default `decimal.handling.mode=precise` sends the unscaled value as big-endian two's
 * complement bytes (base64 in JSON) and the scale in the schema: {@link Decimal.fromBytes} and
 * {@link Decimal.toBytes} convert both ways.
 *
 * @example
 * ```ts
 * const price = Decimal.fromBase64('C+o=', 2);
 * price.toString(); // '30.50'
 * price.toBytes();  // Uint8Array [0x0b, 0xea]
 * ```
 */
export class Decimal {
  /** The digits as an integer. */
  readonly unscaled: bigint;
  /** How many of the digits are after the decimal point (negative: trailing zeros before it). */
  readonly scale: number;

  /**
   * @throws IapError `VALIDATION` when `scale` is not a safe integer.
   */
  constructor(unscaled: bigint, scale: number) {
    if (!Number.isSafeInteger(scale)) throw new IapError(ErrorCode.VALIDATION, 'Decimal scale must be a safe integer');
    this.unscaled = unscaled;
    this.scale = scale;
    Object.defineProperty(this, DECIMAL_BRAND, { value: true });
  }

  /**
   * Parses decimal text exactly: optional sign, digits, optional fraction, optional exponent
   * (`-12.340`, `1.5E-3`, `4e2`). Trailing zeros are kept as scale; a positive exponent folds
   * into the digits (`4e2` has scale 0).
   *
   * @example
   * ```ts
   * Decimal.parse('12345.110').scale; // 3
   * ```
   * @throws IapError `VALIDATION` when the text is not a decimal number.
   */
  static parse(text: string): Decimal {
    const parsed = parseDecimalText(text);
    if (parsed === undefined) throw new IapError(ErrorCode.VALIDATION, 'text is not a decimal number (expected digits with an optional sign, fraction and exponent)');
    return parsed;
  }

  /**
   * Reads a big-endian two's-complement unscaled value (Java `BigInteger.toByteArray()`, Kafka
   * Connect `Decimal`) with the given scale.
   *
   * @example
   * ```ts
   * Decimal.fromBytes(new Uint8Array([0x01, 0xd4, 0xc0]), 2).toString(); // '1200.00'
   * ```
   * @throws IapError `VALIDATION` when `bytes` is empty.
   */
  static fromBytes(bytes: Uint8Array, scale: number): Decimal {
    if (bytes.length === 0) throw new IapError(ErrorCode.VALIDATION, 'a decimal needs at least one byte');
    return new Decimal(bigintFromTwosComplement(bytes), scale);
  }

  /**
   * {@link Decimal.fromBytes} from standard or URL-safe base64 text.
   *
   * @example
   * ```ts
   * Decimal.fromBase64('AdTA', 2).toString(); // '1200.00'
   * ```
   * @throws IapError `VALIDATION` when the text is not base64 or decodes to no bytes.
   */
  static fromBase64(text: string, scale: number): Decimal {
    const bytes = base64ToBytesStrict(text);
    if (bytes === undefined) throw new IapError(ErrorCode.VALIDATION, 'decimal bytes are not valid base64');
    return Decimal.fromBytes(bytes, scale);
  }

  /**
   * True when `value` is a {@link Decimal} from any copy of this package (ESM or CJS).
   *
   * @example
   * ```ts
   * if (Decimal.isDecimal(row.price)) total += row.price.unscaled;
   * ```
   */
  static isDecimal(value: unknown): value is Decimal {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DECIMAL_BRAND] === true;
  }

  /**
   * The unscaled value as minimal big-endian two's-complement bytes (what Debezium sends).
   *
   * @example
   * ```ts
   * Decimal.parse('-1.00').toBytes(); // Uint8Array [0x9c] (-100, minimal two's complement)
   * ```
   */
  toBytes(): Uint8Array {
    return bigintToTwosComplement(this.unscaled);
  }

  /**
   * The same value with a larger scale (`1.5` at scale 3 is `1.500`). A smaller scale is only
   * accepted when no non-zero digit is dropped.
   *
   * @example
   * ```ts
   * Decimal.parse('1.5').withScale(3).toString(); // '1.500'
   * ```
   * @throws IapError `VALIDATION` when reducing the scale would round.
   */
  withScale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    if (this.unscaled % divisor !== 0n) throw new IapError(ErrorCode.VALIDATION, `cannot reduce the scale from ${this.scale} to ${scale} without rounding`);
    return new Decimal(this.unscaled / divisor, scale);
  }

  /**
   * Compares values exactly, ignoring scale (`1.10` equals `1.1`).
   *
   * @example
   * ```ts
   * Decimal.parse('1.10').equals(Decimal.parse('1.1')); // true
   * ```
   */
  equals(other: Decimal): boolean {
    if (this.scale === other.scale) return this.unscaled === other.unscaled;
    const scale = Math.max(this.scale, other.scale);
    return this.withScale(scale).unscaled === other.withScale(scale).unscaled;
  }

  /** The nearest `number` (may lose digits: use only where a float is acceptable). */
  toNumber(): number {
    return Number(this.toString());
  }

  /** The exact digits, e.g. `'-0.050'`. */
  toString(): string {
    return formatScaled(this.unscaled, this.scale);
  }

  /** Serialises as the exact string (`JSON.stringify` never sees a float). */
  toJSON(): string {
    return this.toString();
  }
}

/** Formats `unscaled × 10^-scale` exactly. */
export function formatScaled(unscaled: bigint | number, scale: number): string {
  const negative = unscaled < 0;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) {
    if (digits !== '0') digits += '0'.repeat(-scale);
  } else {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Parses decimal text exactly, or undefined when it is not a decimal number. */
export function parseDecimalText(text: string): Decimal | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const integerDigits = match[2] ?? '';
  const fractionDigits = match[3] ?? '';
  if (integerDigits.length + fractionDigits.length === 0) return undefined;
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_SCALE) return undefined;
  let scale = fractionDigits.length - exponent;
  let unscaled = BigInt(integerDigits + fractionDigits);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (scale > MAX_SCALE) return undefined;
  return new Decimal(match[1] === '-' ? -unscaled : unscaled, scale);
}

/** Big-endian two's complement bytes to bigint (non-empty input). */
export function bigintFromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length <= 6) return BigInt(numberFromTwosComplement(bytes));
  let hex = '';
  for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  const magnitude = BigInt(`0x${hex}`);
  return bytes[0]! >= 0x80 ? magnitude - (1n << BigInt(bytes.length * 8)) : magnitude;
}

/** Big-endian two's complement of at most 6 bytes as a number (exact). */
export function numberFromTwosComplement(bytes: Uint8Array): number {
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return bytes[0]! >= 0x80 ? value - 2 ** (bytes.length * 8) : value;
}

/** Minimal big-endian two's complement of a bigint (like Java's `BigInteger.toByteArray()`). */
export function bigintToTwosComplement(value: bigint): Uint8Array {
  let bits = 1; // sign bit
  for (let v = value < 0n ? -value - 1n : value; v > 0n; v >>= 1n) bits++;
  const length = Math.ceil(bits / 8);
  const out = new Uint8Array(length);
  let rest = value < 0n ? (1n << BigInt(length * 8)) + value : value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
