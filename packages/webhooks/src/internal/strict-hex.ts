/**
 * Strict hexadecimal decoding: every character must be a hex digit (either case), the length must be
 * exactly what the caller expects. Anything else yields `undefined`, never an exception and never a
 * partially decoded value (unlike `Buffer.from(text, 'hex')`, which silently stops at the first bad
 * character).
 */

/** Value of each ASCII code as a hex digit, 255 for non-hex characters. */
const HEX_VALUES = new Uint8Array(128).fill(255);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUES['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

/**
 * Decodes `text` (or `text[start, end)`, without slicing it) as hex. With `expectedBytes`, the text
 * must encode exactly that many bytes; without it, any even length up to `maxBytes` is accepted.
 */
export function decodeHexStrict(text: string, expectedBytes?: number, maxBytes = 4096, start = 0, end = text.length): Uint8Array | undefined {
  const length = end - start;
  if (expectedBytes === undefined) {
    if (length <= 0 || length % 2 !== 0 || length > maxBytes * 2) return undefined;
  } else if (length !== expectedBytes * 2) {
    return undefined;
  }
  const out = new Uint8Array(length >>> 1);
  for (let i = 0, j = start; j < end; i++, j += 2) {
    const a = text.charCodeAt(j);
    const b = text.charCodeAt(j + 1);
    if ((a | b) > 127) return undefined;
    const hi = HEX_VALUES[a]!;
    const lo = HEX_VALUES[b]!;
    if ((hi | lo) > 15) return undefined;
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
