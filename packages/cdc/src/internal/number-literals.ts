/**
 * The exact source text of number literals that a JavaScript `number` cannot represent faithfully
 * (16 or more digits, or a fraction with trailing zeros such as `3.540`), keyed by the object or
 * array that holds them and the key or index inside it. The parsed tree itself holds the nearest
 * `number` (or a `bigint` for integers), so it stays plain JSON; decoders that need the exact text
 * (decimals) look it up here.
 */
export type LiteralTable = WeakMap<object, Map<string | number, string>>;

/** Remembers `text` as the exact literal of `container[key]`. */
export function recordLiteral(table: LiteralTable, container: object, key: string | number, text: string): void {
  let entries = table.get(container);
  if (entries === undefined) {
    entries = new Map();
    table.set(container, entries);
  }
  entries.set(key, text);
}

/** The exact literal of `container[key]` when one was recorded. */
export function literalOf(table: LiteralTable | undefined, container: object, key: string | number): string | undefined {
  return table?.get(container)?.get(key);
}

const MAX_SAFE_DIGITS = 15;

/**
 * True when a JSON number literal loses information in a `number`: integers with 16+ digits (may
 * exceed 2^53) and non-integers with 16+ characters or trailing fraction zeros (their scale).
 */
export function literalNeedsText(text: string): boolean {
  const start = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (text.length - start > MAX_SAFE_DIGITS) return true;
  const dot = text.indexOf('.');
  if (dot === -1) return false;
  let end = text.length;
  for (let i = dot + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101 || c === 69) {
      end = i;
      break;
    }
  }
  return text.charCodeAt(end - 1) === 48 /* 0 */;
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
