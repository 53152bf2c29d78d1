/**
 * The exact source text of number literals that a JavaScript `number` cannot represent faithfully
 * (16 or more mantissa characters, or a fraction with trailing zeros such as `3.540`), keyed by the
 * path of the value ({@link pathKey}). Decimal decoders look them up; the parsed tree itself holds
 * plain numbers (and bigints for integers beyond 2^53).
 */
export type LiteralTable = Map<string, string>;

/** An unambiguous key for a path (`.name` segments carry their length, `[index]` segments are numbers). */
export function pathKey(path: readonly (string | number)[], key?: string | number): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : `.${segment.length}:${segment}`;
  if (key !== undefined) out += typeof key === 'number' ? `[${key}]` : `.${key.length}:${key}`;
  return out;
}

const MAX_SAFE_DIGITS = 15;

/**
 * True when a JSON number literal loses information in a `number`: a mantissa (digits and point,
 * without sign or exponent) of 16+ characters, or a fraction with trailing zeros (its scale).
 */
export function literalNeedsText(text: string): boolean {
  const start = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  let end = text.length;
  let dot = -1;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) dot = i;
    else if (c === 101 || c === 69) {
      end = i;
      break;
    }
  }
  if (end - start > MAX_SAFE_DIGITS) return true;
  return dot !== -1 && text.charCodeAt(end - 1) === 48 /* 0 */;
}

/** True when the literal has no fraction and no exponent. */
export function isIntegerLiteral(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 || c === 101 || c === 69) return false;
  }
  return true;
}

/** The value of an integer literal: a `number` when it is a safe integer, else an exact `bigint`. */
export function integerFromLiteral(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}
