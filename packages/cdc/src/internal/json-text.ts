import { parseJsonStrict } from './json-parser.js';
import { closingQuote } from './json-scan.js';
import { JsonSyntaxError } from './json-syntax-error.js';
import { integerFromLiteral, isIntegerLiteral, literalNeedsText, recordLiteral, type LiteralTable } from './number-literals.js';

/** A parsed JSON text and, in lossless mode, the exact text of the literals a `number` would distort. */
export interface ParsedJson {
  readonly value: unknown;
  readonly literals: LiteralTable | undefined;
}

/** Options of {@link parseJsonText}. */
export interface JsonTextOptions {
  readonly lossless: boolean;
  readonly maxDepth: number;
}

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const NUL_ESCAPE = '\\u0000';
const MARKER_PREFIX = '"\\u0000';

/**
 * Parses a JSON text. Lossless mode keeps integers beyond 2^53 as `bigint` and remembers the exact
 * text of long or trailing-zero fractions, while letting the native `JSON.parse` do the structural
 * work:
 *
 * 1. a scanner finds the literals that need their text, outside strings (jumping from quote to
 *    quote); texts without any go straight to `JSON.parse` (every integer under 16 digits is a safe
 *    integer, every fraction under 16 digits round-trips through a double);
 * 2. otherwise each such literal is wrapped in a string marked with a leading NUL (which no JSON
 *    string can otherwise contain unless the text has a `\u0000` escape, which sends it to the
 *    strict parser), `JSON.parse` parses the marked text, and the marked strings are turned back
 *    into numbers (an iterative walk, stopped as soon as every marker is found);
 * 3. the strict parser (`parseJsonStrict`) handles texts with `\u0000` escapes and locates syntax
 *    errors.
 *
 * @throws JsonSyntaxError for invalid JSON (with offset and path), never echoing the text.
 */
export function parseJsonText(text: string, options: JsonTextOptions): ParsedJson {
  if (!options.lossless) return { value: nativeParse(text, options), literals: undefined };
  const spans = findExactLiterals(text);
  if (spans === undefined || text.includes(NUL_ESCAPE)) {
    const literals: LiteralTable = new WeakMap();
    return { value: parseJsonStrict(text, { lossless: true, maxDepth: options.maxDepth, literals }), literals };
  }
  if (spans.length === 0) return { value: nativeParse(text, options), literals: undefined };
  let marked = '';
  let previous = 0;
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i]!;
    const end = spans[i + 1]!;
    marked += text.slice(previous, start) + MARKER_PREFIX + text.slice(start, end) + '"';
    previous = end;
  }
  marked += text.slice(previous);
  let value: unknown;
  try {
    value = JSON.parse(marked);
  } catch {
    // the marked text is invalid exactly when the original is: report on the original
    return { value: nativeParse(text, options), literals: undefined };
  }
  const literals: LiteralTable = new WeakMap();
  return { value: restoreMarkers(value, literals, spans.length / 2), literals };
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

/**
 * Start/end offsets (pairs) of number literals outside strings whose text must be kept, or
 * undefined when a string is unterminated (the strict parser then reports it).
 */
function findExactLiterals(text: string): number[] | undefined {
  const spans: number[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const close = closingQuote(text, i);
      if (close === -1) return undefined;
      i = close + 1;
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let end = i + 1;
      let fraction = false;
      for (; end < length; end++) {
        const d = text.charCodeAt(end);
        if (d >= 48 && d <= 57) continue;
        if (d === 46 /* . */ || d === 101 || d === 69 || d === 43 || d === 45) {
          fraction = true;
          continue;
        }
        break;
      }
      if (end - i >= 16 || fraction) {
        const literal = text.slice(i, end);
        if (literalNeedsText(literal)) {
          // a malformed token must not be smuggled through as a string: let the strict parser report it
          if (!JSON_NUMBER.test(literal)) return undefined;
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

function fromMarker(marker: string, container: object | undefined, key: string | number, literals: LiteralTable): number | bigint {
  const literal = marker.slice(1);
  if (isIntegerLiteral(literal)) return integerFromLiteral(literal);
  if (container !== undefined) recordLiteral(literals, container, key, literal);
  return Number(literal);
}

function isMarker(value: unknown): value is string {
  return typeof value === 'string' && value.charCodeAt(0) === 0;
}

/** Replaces marker strings with their numbers, iteratively (no recursion, any depth). */
function restoreMarkers(root: unknown, literals: LiteralTable, count: number): unknown {
  if (isMarker(root)) return fromMarker(root, undefined, 0, literals);
  if (typeof root !== 'object' || root === null) return root;
  const stack: object[] = [root];
  let remaining = count;
  while (remaining > 0 && stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      const array = node as unknown[];
      for (let i = 0; i < array.length; i++) {
        const value = array[i];
        if (typeof value === 'object') {
          if (value !== null) stack.push(value);
        } else if (isMarker(value)) {
          array[i] = fromMarker(value, array, i, literals);
          remaining--;
        }
      }
    } else {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const value = record[key];
        if (typeof value === 'object') {
          if (value !== null) stack.push(value);
        } else if (isMarker(value)) {
          record[key] = fromMarker(value, record, key, literals);
          remaining--;
        }
      }
    }
  }
  return root;
}
