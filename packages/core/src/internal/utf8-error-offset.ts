/**
 * The offset of the first byte of the first ill-formed UTF-8 sequence in `bytes` (as the WHATWG
 * decoder with `fatal: true` sees it: no overlongs, no surrogates, nothing past U+10FFFF), or -1 when
 * the bytes are valid UTF-8. A sequence cut short by the end counts from its first byte.
 */
export function utf8ErrorOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let continuation: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) continuation = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      continuation = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      continuation = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else return i;
    for (let k = 1; k <= continuation; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lower : 0x80) || c > (k === 1 ? upper : 0xbf)) return i;
    }
    i += continuation + 1;
  }
  return -1;
}
