/**
 * Byte length of `text` encoded as UTF-8 (lone surrogates count as the 3-byte replacement
 * character, as every encoder writes them), without encoding it.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * True when the body is larger than `maxBytes`. For strings the exact UTF-8 length is only counted
 * when the code-unit count cannot decide (every code unit is one to three bytes).
 */
export function exceedsByteLimit(body: Uint8Array | string, maxBytes: number): boolean {
  if (typeof body !== 'string') return body.byteLength > maxBytes;
  if (body.length > maxBytes) return true;
  if (body.length * 3 <= maxBytes) return false;
  return utf8ByteLength(body) > maxBytes;
}
