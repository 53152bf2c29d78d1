import type { RecordHeaderValue, RecordHeaders } from './kafka-record.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The last value of header `name` as bytes (Java's `Headers.lastHeader`), or undefined when absent.
 *
 * @example
 * ```ts
 * const bytes = headerBytes(record.headers, 'kafka_dlt-original-offset');
 * ```
 */
export function headerBytes(headers: RecordHeaders | undefined, name: string): Buffer | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const last: Buffer | string | undefined = isHeaderArray(value) ? value[value.length - 1] : value;
  if (last === undefined) return undefined;
  return typeof last === 'string' ? Buffer.from(last, 'utf8') : last;
}

/**
 * The last value of header `name` decoded as UTF-8, or undefined when absent or not valid UTF-8.
 *
 * @example
 * ```ts
 * headerString(record.headers, 'content-type'); // 'application/json'
 * ```
 */
export function headerString(headers: RecordHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const last: Buffer | string | undefined = isHeaderArray(value) ? value[value.length - 1] : value;
  if (last === undefined || typeof last === 'string') return last;
  return decodeUtf8(last);
}

/**
 * Decodes strict UTF-8; undefined for invalid bytes. Fast path: Node's native decoding, which turns
 * invalid sequences into U+FFFD; only when a U+FFFD shows up are the bytes checked strictly.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  if (Buffer.isBuffer(bytes)) {
    const text = bytes.toString();
    if (text.indexOf('\uFFFD') === -1) return text;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** True when a header value holds several values (the name repeated on the record). */
export function isHeaderArray(value: RecordHeaderValue): value is ReadonlyArray<Buffer | string> {
  return Array.isArray(value);
}

/**
 * Encodes a 32-bit signed integer big-endian in 4 bytes (Java `ByteBuffer.putInt`).
 *
 * @throws RangeError when `value` is not a 32-bit integer.
 * @example
 * ```ts
 * encodeInt32(3); // <Buffer 00 00 00 03>
 * ```
 */
export function encodeInt32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeInt32BE(value, 0);
  return out;
}

/**
 * Encodes a 64-bit signed integer big-endian in 8 bytes (Java `ByteBuffer.putLong`). Accepts a
 * bigint, a safe integer or a decimal string (Kafka offsets and timestamps).
 *
 * @throws RangeError when the value is not an integer in the signed 64-bit range.
 * @example
 * ```ts
 * encodeInt64('42'); // <Buffer 00 00 00 00 00 00 00 2a>
 * ```
 */
export function encodeInt64(value: bigint | number | string): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigInt64BE(typeof value === 'bigint' ? value : BigInt(value), 0);
  return out;
}

/** Decodes a 4-byte big-endian signed integer; undefined when the value is not exactly 4 bytes. */
export function decodeInt32(bytes: Uint8Array | undefined): number | undefined {
  if (bytes?.length !== 4) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset, 4).readInt32BE(0);
}

/** Decodes an 8-byte big-endian signed integer; undefined when the value is not exactly 8 bytes. */
export function decodeInt64(bytes: Uint8Array | undefined): bigint | undefined {
  if (bytes?.length !== 8) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigInt64BE(0);
}
