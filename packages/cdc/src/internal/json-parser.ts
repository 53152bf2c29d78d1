import { JsonSyntaxError } from './json-syntax-error.js';
import { integerFromLiteral, isIntegerLiteral } from './number-literals.js';

/** Options of {@link parseJsonStrict}. */
export interface StrictJsonOptions {
  /** Keep integers beyond 2^53 as `bigint`. */
  readonly lossless: boolean;
  /** Deepest nesting of objects and arrays accepted. */
  readonly maxDepth: number;
}

const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const UPPER_E = 69;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const LOWER_E = 101;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const ESCAPES: Readonly<Record<number, string>> = { 34: '"', 92: '\\', 47: '/', 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t' };

/**
 * A strict, prototype-safe JSON parser (RFC 8259) that keeps integers exact. Used where the native
 * `JSON.parse` cannot be (a text with NUL escapes needing exact integers) and to locate syntax
 * errors precisely (offset and path) without echoing any of the text.
 *
 * - `__proto__` keys become own data properties, never the prototype.
 * - Nesting deeper than `maxDepth` fails with `too-deep` instead of exhausting the stack.
 * - Duplicate keys: the last one wins, as with `JSON.parse`.
 *
 * @throws JsonSyntaxError with the offset and the path of the value being read.
 */
export function parseJsonStrict(text: string, options: StrictJsonOptions): unknown {
  return new StrictParser(text, options).parseDocument();
}

class StrictParser {
  private pos = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly options: StrictJsonOptions,
  ) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected content after the JSON value');
    return value;
  }

  private fail(what: string, failure: 'invalid-json' | 'too-deep' = 'invalid-json'): never {
    throw new JsonSyntaxError(failure, what, this.pos, [...this.path]);
  }

  private skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === SPACE || c === NEWLINE || c === RETURN || c === TAB) pos++;
      else break;
    }
    this.pos = pos;
  }

  private parseValue(depth: number): unknown {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case OPEN_BRACE:
        return this.parseObject(depth + 1);
      case OPEN_BRACKET:
        return this.parseArray(depth + 1);
      case QUOTE:
        return this.parseString();
      case 116 /* t */:
        return this.parseKeyword('true', true);
      case 102 /* f */:
        return this.parseKeyword('false', false);
      case 110 /* n */:
        return this.parseKeyword('null', null);
      default:
        if (c === MINUS || (c >= ZERO && c <= NINE)) return this.parseNumber();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input, a value was expected' : 'unexpected character, a value was expected');
    }
  }

  private parseKeyword<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected character, a value was expected');
    this.pos += word.length;
    return value;
  }

  private enter(depth: number): void {
    if (depth > this.options.maxDepth) this.fail(`nesting deeper than ${this.options.maxDepth} levels`, 'too-deep');
  }

  private parseObject(depth: number): Record<string, unknown> {
    this.enter(depth);
    const result: Record<string, unknown> = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === CLOSE_BRACE) {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail('a quoted property name was expected');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== COLON) this.fail("':' was expected after a property name");
      this.pos++;
      this.skipWhitespace();
      this.path.push(key);
      const value = this.parseValue(depth);
      this.path.pop();
      if (key === '__proto__') Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
      else result[key] = value;
      if (!this.nextItem(CLOSE_BRACE, "',' or '}' was expected in an object")) return result;
    }
  }

  /** After an item: true on ',' (another item follows), false on `close` (consumed); fails otherwise. */
  private nextItem(close: number, expected: string): boolean {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.pos);
    if (c === COMMA) {
      this.pos++;
      this.skipWhitespace();
      return true;
    }
    if (c === close) {
      this.pos++;
      return false;
    }
    return this.fail(expected);
  }

  private parseArray(depth: number): unknown[] {
    this.enter(depth);
    const result: unknown[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === CLOSE_BRACKET) {
      this.pos++;
      return result;
    }
    for (let index = 0; ; index++) {
      this.path.push(index);
      result.push(this.parseValue(depth));
      this.path.pop();
      if (!this.nextItem(CLOSE_BRACKET, "',' or ']' was expected in an array")) return result;
    }
  }

  private parseString(): string {
    const text = this.text;
    const start = this.pos + 1;
    let pos = start;
    // fast path: no escapes
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        this.pos = pos + 1;
        return text.slice(start, pos);
      }
      if (c === BACKSLASH) break;
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = pos;
        this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character inside a string');
      }
      pos++;
    }
    let out = text.slice(start, pos);
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        this.pos = pos + 1;
        return out;
      }
      if (c === BACKSLASH) {
        const e = text.charCodeAt(pos + 1);
        if (e === 117 /* u */) {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = pos;
            this.fail('invalid \\u escape in a string');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
          continue;
        }
        const replacement = ESCAPES[e];
        if (replacement === undefined) {
          this.pos = pos;
          this.fail('invalid escape in a string');
        }
        out += replacement;
        pos += 2;
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = pos;
        this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character inside a string');
      }
      const runStart = pos;
      pos++;
      for (;;) {
        const d = text.charCodeAt(pos);
        if (d === QUOTE || d === BACKSLASH || d < 0x20 || Number.isNaN(d)) break;
        pos++;
      }
      out += text.slice(runStart, pos);
    }
  }

  private parseNumber(): number | bigint {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === MINUS) pos++;
    let c = text.charCodeAt(pos);
    if (c === ZERO) pos++;
    else if (c >= 49 && c <= NINE) {
      do pos++;
      while ((c = text.charCodeAt(pos)) >= ZERO && c <= NINE);
    } else {
      this.pos = pos;
      this.fail('a digit was expected in a number');
    }
    if (text.charCodeAt(pos) === DOT) {
      pos++;
      if (!((c = text.charCodeAt(pos)) >= ZERO && c <= NINE)) {
        this.pos = pos;
        this.fail('a digit was expected after the decimal point');
      }
      while ((c = text.charCodeAt(pos)) >= ZERO && c <= NINE) pos++;
    }
    c = text.charCodeAt(pos);
    if (c === LOWER_E || c === UPPER_E) {
      pos++;
      c = text.charCodeAt(pos);
      if (c === PLUS || c === MINUS) pos++;
      if (!((c = text.charCodeAt(pos)) >= ZERO && c <= NINE)) {
        this.pos = pos;
        this.fail('a digit was expected in the exponent');
      }
      while ((c = text.charCodeAt(pos)) >= ZERO && c <= NINE) pos++;
    }
    this.pos = pos;
    const literal = text.slice(start, pos);
    if (this.options.lossless && isIntegerLiteral(literal)) return integerFromLiteral(literal);
    return Number(literal);
  }
}
