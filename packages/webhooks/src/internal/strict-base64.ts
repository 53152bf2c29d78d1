/**
 * Strict base64 decoding (RFC 4648). `base64`: standard alphabet, padded to a multiple of four,
 * canonical (the unused bits of the last character are zero). `base64url`: URL alphabet, unpadded,
 * canonical. Whitespace, mixed alphabets, missing or extra padding all yield `undefined`: two
 * different header strings can never decode to the same signature.
 */

/** The two base64 variants used by webhook providers. */
export type Base64Variant = 'base64' | 'base64url';

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function buildTable(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const STANDARD_TABLE = buildTable(STANDARD);
const URL_TABLE = buildTable(URL_SAFE);

/** Number of bytes a canonical encoding of `text[start, end)` decodes to, or -1 when its length is impossible. */
function decodedLength(text: string, variant: Base64Variant, start: number, end: number): number {
  const length = end - start;
  if (variant === 'base64') {
    if (length <= 0 || length % 4 !== 0) return -1;
    let padding = 0;
    if (text.charCodeAt(end - 1) === 61) padding = text.charCodeAt(end - 2) === 61 ? 2 : 1;
    return (length / 4) * 3 - padding;
  }
  const remainder = length % 4;
  if (length <= 0 || remainder === 1) return -1;
  return Math.floor(length / 4) * 3 + (remainder === 0 ? 0 : remainder - 1);
}

/**
 * Decodes `text` (or `text[start, end)`, without slicing it) strictly. With `expectedBytes`, the
 * decoded value must have exactly that length; the length is checked from the text before any
 * decoding work. Without it, up to `maxBytes` bytes.
 */
export function decodeBase64Strict(text: string, variant: Base64Variant, expectedBytes?: number, maxBytes = 4096, start = 0, end = text.length): Uint8Array | undefined {
  const byteLength = decodedLength(text, variant, start, end);
  if (byteLength <= 0) return undefined;
  if (expectedBytes === undefined ? byteLength > maxBytes : byteLength !== expectedBytes) return undefined;
  const table = variant === 'base64' ? STANDARD_TABLE : URL_TABLE;
  // characters that carry data: everything but the padding, which must be all '='
  const dataEnd = start + (variant === 'base64' ? Math.ceil((byteLength * 4) / 3) : end - start);
  for (let i = dataEnd; i < end; i++) if (text.charCodeAt(i) !== 61) return undefined;
  const out = new Uint8Array(byteLength);
  let i = start;
  let o = 0;
  for (const groupsEnd = dataEnd - ((dataEnd - start) % 4); i < groupsEnd; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 128) return undefined;
    const a = table[c0]!;
    const b = table[c1]!;
    const c = table[c2]!;
    const d = table[c3]!;
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  const rest = dataEnd - i; // 0, 2 or 3 (decodedLength rules out 1)
  if (rest > 0) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = rest === 3 ? text.charCodeAt(i + 2) : 65; // 'A' = 0
    if ((c0 | c1 | c2) >= 128) return undefined;
    const a = table[c0]!;
    const b = table[c1]!;
    const c = table[c2]!;
    if ((a | b | c) < 0) return undefined;
    // canonical: the bits past the last byte must be zero
    if (rest === 2 ? (b & 0x0f) !== 0 : (c & 0x03) !== 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >>> 16;
    if (rest === 3) out[o++] = (n >>> 8) & 0xff;
  }
  return out;
}

/** Encodes bytes as base64 (padded, standard alphabet) or base64url (unpadded, URL alphabet). */
export function encodeBase64(bytes: Uint8Array, variant: Base64Variant = 'base64'): string {
  const alphabet = variant === 'base64' ? STANDARD : URL_SAFE;
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (variant === 'base64' ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (variant === 'base64' ? '=' : '');
  }
  return out;
}
