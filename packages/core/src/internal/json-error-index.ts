// Finds where a text stops being JSON (RFC 8259), for error messages: JSON.parse reports a position
// only for some errors, and its message quotes the input, which ours must never do.

const OBJECT = 1;
const ARRAY = 2;

function skipWhitespace(text: string, start: number): number {
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
  }
  return i;
}

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Reads a string starting at its quote; returns the index after it, or `~errorIndex`. */
function readString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) return ~text.length;
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return ~i;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    const escape = text.charCodeAt(i + 1);
    if (Number.isNaN(escape)) return ~text.length;
    if (escape === 0x75) {
      for (let k = 2; k < 6; k++) {
        if (i + k >= text.length) return ~text.length;
        if (!isHex(text.charCodeAt(i + k))) return ~(i + k);
      }
      i += 6;
    } else if ('"\\/bfnrt'.includes(String.fromCharCode(escape))) i += 2;
    else return ~(i + 1);
  }
}

/** Reads `true`, `false`, `null` or a number; returns the index after it, or `~errorIndex`. */
function readScalar(text: string, start: number): number {
  const c = text.charCodeAt(start);
  for (const literal of ['true', 'false', 'null']) {
    if (c !== literal.charCodeAt(0)) continue;
    for (let k = 1; k < literal.length; k++) {
      if (start + k >= text.length) return ~text.length;
      if (text.charCodeAt(start + k) !== literal.charCodeAt(k)) return ~(start + k);
    }
    return start + literal.length;
  }
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i++;
  const digits = (): number => {
    if (i >= text.length) return ~text.length;
    if (!isDigit(text.charCodeAt(i))) return ~i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    return i;
  };
  if (text.charCodeAt(i) === 0x30) i++;
  else {
    const end = digits();
    if (end < 0) return end;
  }
  if (text.charCodeAt(i) === 0x2e) {
    i++;
    const end = digits();
    if (end < 0) return end;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const end = digits();
    if (end < 0) return end;
  }
  return i;
}

/** Reads `"key"` `:` at `start`; returns the index of the value after it, or `~errorIndex`. */
function readKey(text: string, start: number): number {
  if (start >= text.length) return ~text.length;
  if (text.charCodeAt(start) !== 0x22) return ~start;
  const end = readString(text, start);
  if (end < 0) return end;
  const colon = skipWhitespace(text, end);
  if (colon >= text.length) return ~text.length;
  if (text.charCodeAt(colon) !== 0x3a) return ~colon;
  return skipWhitespace(text, colon + 1);
}

/**
 * The index (UTF-16 code unit) of the first character at which `text` stops being valid JSON, its
 * length when it ends too early, or -1 when it is valid JSON. Iterative, so deep nesting is safe.
 */
export function jsonErrorIndex(text: string): number {
  const stack: number[] = [];
  let i = skipWhitespace(text, 0);
  let expectValue = true;
  for (;;) {
    if (expectValue) {
      if (i >= text.length) return text.length;
      const c = text.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) {
        i = skipWhitespace(text, i + 1);
        if (text.charCodeAt(i) === (c === 0x7b ? 0x7d : 0x5d)) {
          i = skipWhitespace(text, i + 1);
          expectValue = false;
          continue;
        }
        stack.push(c === 0x7b ? OBJECT : ARRAY);
        if (c === 0x7b) {
          const value = readKey(text, i);
          if (value < 0) return ~value;
          i = value;
        }
        continue;
      }
      const end = c === 0x22 ? readString(text, i) : c === 0x2d || isDigit(c) || c === 0x74 || c === 0x66 || c === 0x6e ? readScalar(text, i) : ~i;
      if (end < 0) return ~end;
      i = skipWhitespace(text, end);
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i < text.length ? i : -1;
    if (i >= text.length) return text.length;
    const c = text.charCodeAt(i);
    if (c === 0x2c) {
      i = skipWhitespace(text, i + 1);
      if (top === OBJECT) {
        const value = readKey(text, i);
        if (value < 0) return ~value;
        i = value;
      }
      expectValue = true;
    } else if (c === (top === OBJECT ? 0x7d : 0x5d)) {
      stack.pop();
      i = skipWhitespace(text, i + 1);
    } else {
      return i;
    }
  }
}

/** Line and column (both from 1) of a UTF-16 index in `text`. */
export function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}
