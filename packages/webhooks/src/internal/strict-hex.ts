/**
 * Strict hexadecimal decoding: every character must be a hex digit (either case), the length must be
 * exactly what the caller expects. Anything else yields `undefined`, never an exception and never a
 * partially decoded value (unlike `Buffer.from(text, 'hex')`, which silently stops at the first bad
 * character).
 */

/** Value of each ASCII code as a hex digit, -1 for non-hex characters. */
const HEX_VALUES = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUES['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUES[code]! : -1;
}

/**
 * Decodes `text` as hex. With `expectedBytes`, the text must encode exactly that many bytes; without
 * it, any even length up to `maxBytes` is accepted.
 */
export function decodeHexStrict(text: string, expectedBytes?: number, maxBytes = 4096): Uint8Array | undefined {
  const length = text.length;
  if (expectedBytes === undefined) {
    if (length === 0 || length % 2 !== 0 || length > maxBytes * 2) return undefined;
  } else if (length !== expectedBytes * 2) {
    return undefined;
  }
  const out = new Uint8Array(length >>> 1);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) {
    const hi = hexValue(text.charCodeAt(j));
    const lo = hexValue(text.charCodeAt(j + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const HEX_DIGITS = '0123456789abcdef';

/** Encodes bytes as lower-case hex. */
export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte >>> 4]! + HEX_DIGITS[byte & 15]!;
  return out;
}
