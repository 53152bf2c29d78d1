import { parseJsonStrict } from './json-parser.js';
import { closingQuote, numberTokenEnd } from './json-scan.js';
import { JsonSyntaxError } from './json-syntax-error.js';
import { collectExactLiterals } from './literal-scan.js';
import { integerFromLiteral, isIntegerLiteral, pathKey, type LiteralTable } from './number-literals.js';

/** Options of {@link parseJsonText}. */
export interface JsonTextOptions {
  readonly lossless: boolean;
  readonly maxDepth: number;
}

/**
 * The exact text of the decimal literals of a parsed text, looked up by path. Built lazily (a
 * path-tracking scan of the text, {@link collectExactLiterals}) the first time a decoder needs one,
 * so messages without JSON-number decimals never pay for it.
 */
export class ExactLiterals {
  private table: LiteralTable | undefined;

  constructor(
    private readonly text: string,
    /** Path of the text's root inside the message (`['payload']` for a split payload). */
    private readonly basePath: readonly (string | number)[],
  ) {}

  /**
   * The literal at `path` + `key` (a path from the message root), or undefined when the literal
   * has at most 15 mantissa characters and no trailing fraction zero (its `number`'s shortest form
   * is then the same text), or the path is outside this text.
   */
  lookup(path: readonly (string | number)[], key: string | number): string | undefined {
    for (let i = 0; i < this.basePath.length; i++) if (path[i] !== this.basePath[i]) return undefined;
    this.table ??= collectExactLiterals(this.text);
    return this.table.get(pathKey(path.slice(this.basePath.length), key));
  }
}

/** A parsed JSON text: the value (bigints beyond 2^53 in lossless mode) and its exact decimal literals. */
export interface ParsedJson {
  readonly value: unknown;
  /** Exact literals (lossless mode only). */
  readonly exact: ExactLiterals | undefined;
}

const TWO_POW_53 = 2 ** 53;
const NUL_ESCAPE = '\\u0000';
const MARKER_PREFIX = '"\\u0000';
const JSON_INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const NUMBER_AFTER_KEY = /[ \t\r\n]*:[ \t\r\n]*(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/y;
const INTEGER_LIKE_KEY = /^(?:0|[1-9][0-9]*)$/;
/** Keys whose JSON text is the key in quotes (no escaping needed). */
const PLAIN_KEY = /^[A-Za-z0-9_.$-]*$/;


/**
 * Parses a JSON text. Lossless mode keeps integers beyond 2^53 as exact `bigint`s, while the native
 * `JSON.parse` does all the structural work:
 *
 * 1. `JSON.parse` parses the text; a walk collects the numbers at or beyond 2^53 (nothing else can
 *    have lost an integer digit: every integer below 2^53 is exact in a double);
 * 2. each one is located in the text by its key (`"ts_ns": 1746440316214861840`), in document
 *    order, and replaced by the `bigint` of its literal; the walk order, the key occurrences and
 *    the rounded values must all agree, else
 * 3. the text is re-parsed with every long integer literal (found by a string-aware scan) wrapped
 *    in a NUL-marked string, then converted back; a text with a `\u0000` escape goes to the strict
 *    parser instead.
 *
 * Decimal literals stay numbers in the tree; {@link ExactLiterals} gives their exact text on demand.
 *
 * @throws JsonSyntaxError for invalid JSON (with offset and path), never echoing the text.
 */
export function parseJsonText(text: string, options: JsonTextOptions, basePath: readonly (string | number)[] = []): ParsedJson {
  const value = nativeParse(text, options);
  if (!options.lossless) return { value, exact: undefined };
  const exact = new ExactLiterals(text, basePath);
  if (typeof value !== 'object' || value === null) {
    return { value: typeof value === 'number' && Math.abs(value) >= TWO_POW_53 ? reparseWithExactIntegers(text, options) : value, exact };
  }
  const found = collectLargeNumbers(value);
  if (found.orderSafe && (found.sites.length === 0 || locateByKey(text, found.sites))) return { value, exact };
  return { value: reparseWithExactIntegers(text, options), exact };
}

function nativeParse(text: string, options: JsonTextOptions): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // locate the problem precisely, without the native message (it quotes the text)
    parseJsonStrict(text, { lossless: false, maxDepth: options.maxDepth });
    throw new JsonSyntaxError('invalid-json', 'the text is not valid JSON', 0, []);
  }
}

interface LargeNumber {
  readonly container: Record<string, unknown>;
  readonly key: string;
  readonly value: number;
}

/** Deepest nesting the recursive walk follows; deeper trees take the re-parse route. */
const WALK_DEPTH = 64;

/**
 * Numbers at or beyond 2^53 in document order (pre-order, keys in order), by a recursive
 * `for...in` walk (no allocations). `orderSafe` is false when the walk order may differ from the
 * text order (an object with integer-like keys, which JavaScript enumerates first), a large number
 * sits in an array (no key to find it by), or the tree is deeper than the walk goes.
 */
function collectLargeNumbers(root: object): { sites: LargeNumber[]; orderSafe: boolean } {
  const state = { sites: [] as LargeNumber[], orderSafe: true };
  walk(root, 0, state);
  return state;
}

function walk(node: object, depth: number, state: { sites: LargeNumber[]; orderSafe: boolean }): void {
  if (depth > WALK_DEPTH) {
    state.orderSafe = false;
    return;
  }
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const value: unknown = node[i];
      if (typeof value === 'number') {
        if (value >= TWO_POW_53 || value <= -TWO_POW_53) state.orderSafe = false; // in an array: no key to find it by
      } else if (typeof value === 'object' && value !== null) {
        walk(value, depth + 1, state);
      }
    }
    return;
  }
  const record = node as Record<string, unknown>;
  let first = true;
  for (const key in record) {
    if (first) {
      first = false;
      const c = key.charCodeAt(0);
      if (c >= 48 && c <= 57 && INTEGER_LIKE_KEY.test(key)) state.orderSafe = false;
    }
    const value = record[key];
    if (typeof value === 'number') {
      if (value >= TWO_POW_53 || value <= -TWO_POW_53) state.sites.push({ container: record, key, value });
    } else if (typeof value === 'object' && value !== null) {
      walk(value, depth + 1, state);
    }
  }
}

/** The literal after the key occurrence at `at` (`"key"` then `:`), if it is a key followed by a number. */
function numberAfterKey(text: string, at: number, needleLength: number): string | undefined {
  let before = at - 1;
  while (before >= 0) {
    const c = text.charCodeAt(before);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    before--;
  }
  const previous = text.charCodeAt(before);
  if (previous !== 123 /* { */ && previous !== 44 /* , */) return undefined;
  NUMBER_AFTER_KEY.lastIndex = at + needleLength;
  return NUMBER_AFTER_KEY.exec(text)?.[1];
}

/**
 * Finds each large number's literal by its key, in order, and stores the exact bigint. In valid
 * JSON a `"key"` preceded by `{` or `,` and followed by `:` is always a property name (inside a
 * string the quote would be escaped). Succeeds only when every site matches the next large-valued
 * occurrence of its key and no key has more large-valued occurrences than sites (duplicate keys).
 */
function locateByKey(text: string, sites: readonly LargeNumber[]): boolean {
  const replacements: (number | bigint)[] = [];
  const lastMatch = new Map<string, number>();
  let cursor = 0;
  for (const site of sites) {
    const needle = PLAIN_KEY.test(site.key) ? `"${site.key}"` : JSON.stringify(site.key);
    let literal: string | undefined;
    for (;;) {
      const at = text.indexOf(needle, cursor);
      if (at === -1) return false;
      cursor = at + needle.length;
      const candidate = numberAfterKey(text, at, needle.length);
      if (candidate === undefined) continue;
      const parsed = Number(candidate);
      if (parsed < TWO_POW_53 && parsed > -TWO_POW_53) continue; // a small value of the same key
      literal = candidate;
      break;
    }
    if (Number(literal) !== site.value) return false;
    lastMatch.set(needle, cursor);
    replacements.push(isIntegerLiteral(literal) ? integerFromLiteral(literal) : site.value);
  }
  // duplicate keys (JSON.parse keeps the last one): with more large occurrences of a key than sites,
  // one is left after the last match
  for (const [needle, from] of lastMatch) {
    for (let at = text.indexOf(needle, from); at !== -1; at = text.indexOf(needle, at + needle.length)) {
      const candidate = numberAfterKey(text, at, needle.length);
      if (candidate !== undefined && Math.abs(Number(candidate)) >= TWO_POW_53) return false;
    }
  }
  sites.forEach((site, index) => {
    site.container[site.key] = replacements[index];
  });
  return true;
}

/**
 * The slow, always-exact path: integer literals of 16+ digits (found outside strings by a scan
 * that jumps from quote to quote) are wrapped in NUL-marked strings, `JSON.parse` parses the
 * marked text and the markers become bigints. Texts with a `\u0000` escape (a NUL could collide
 * with a marker) go to the strict parser.
 */
function reparseWithExactIntegers(text: string, options: JsonTextOptions): unknown {
  const spans = findLongIntegers(text);
  if (spans === undefined || text.includes(NUL_ESCAPE)) return parseJsonStrict(text, { lossless: true, maxDepth: options.maxDepth });
  let marked = '';
  let previous = 0;
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i]!;
    const end = spans[i + 1]!;
    marked += text.slice(previous, start) + MARKER_PREFIX + text.slice(start, end) + '"';
    previous = end;
  }
  marked += text.slice(previous);
  let parsed: unknown;
  try {
    parsed = JSON.parse(marked);
  } catch {
    return parseJsonStrict(text, { lossless: true, maxDepth: options.maxDepth }); // cannot happen for valid JSON; stay exact anyway
  }
  return restoreMarkers(parsed, spans.length / 2);
}

/** Start/end offsets (pairs) of integer literals with 16+ digits outside strings; undefined if unscannable. */
function findLongIntegers(text: string): number[] | undefined {
  const spans: number[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c <= 32) {
      i++; // whitespace
    } else if (c === 34 /* " */) {
      const close = closingQuote(text, i);
      if (close === -1) return undefined;
      i = close + 1;
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const end = numberTokenEnd(text, i);
      if (end - i >= 16) {
        const literal = text.slice(i, end);
        if (isIntegerLiteral(literal)) {
          if (!JSON_INTEGER.test(literal)) return undefined;
          spans.push(i, end);
        }
      }
      i = end;
    } else {
      i++;
    }
  }
  return spans;
}

function isMarker(value: unknown): value is string {
  return typeof value === 'string' && value.charCodeAt(0) === 0;
}

/** Replaces marker strings with their integers, iteratively (no recursion, any depth). */
function restoreMarkers(root: unknown, count: number): unknown {
  if (isMarker(root)) return integerFromLiteral(root.slice(1));
  if (typeof root !== 'object' || root === null) return root;
  const stack: object[] = [root];
  let remaining = count;
  while (remaining > 0 && stack.length > 0) {
    const node = stack.pop()!;
    const record = node as Record<string, unknown>;
    const keys: readonly (string | number)[] = Array.isArray(node) ? [...node.keys()] : Object.keys(node);
    for (const key of keys) {
      const value = record[key];
      if (typeof value === 'object') {
        if (value !== null) stack.push(value);
      } else if (isMarker(value)) {
        record[key] = integerFromLiteral(value.slice(1));
        remaining--;
      }
    }
  }
  return root;
}
