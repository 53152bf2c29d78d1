import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalText } from '../decimal.js';
import { parseJsonStrict } from './json-parser.js';
import { JsonSyntaxError } from './json-syntax-error.js';
import { parseJsonText } from './json-text.js';
import { collectExactLiterals } from './literal-scan.js';
import { literalNeedsText, pathKey } from './number-literals.js';

const LOSSLESS = { lossless: true, maxDepth: 64 };

function strict(text: string): { value: unknown } {
  return { value: parseJsonStrict(text, { lossless: true, maxDepth: 64 }) };
}

function syntaxError(run: () => unknown): JsonSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a JsonSyntaxError');
}

function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasUnsafeInteger);
  return false;
}

/** JSON values without integers beyond 2^53 (those become bigint by design). */
const safeJson = fc
  .jsonValue({ maxDepth: 4 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .filter((value) => !hasUnsafeInteger(value));

describe('parseJsonText (hybrid: native JSON.parse plus exact literals)', () => {
  it('integers beyond 2^53 become bigint, safe ones stay numbers', () => {
    const { value } = parseJsonText('{"ns":1746440316214861840,"us":1719649856386323,"neg":-9007199254740993,"max":9007199254740991}', LOSSLESS);
    expect(value).toEqual({ ns: 1746440316214861840n, us: 1719649856386323, neg: -9007199254740993n, max: 9007199254740991 });
  });

  it('gives the exact text of long and trailing-zero fractions by path, on demand', () => {
    const { value, exact } = parseJsonText('{"a":3.540,"b":123456789876543212345678987654321.110,"c":1.5,"d":[1.0]}', LOSSLESS);
    expect(value).toEqual({ a: 3.54, b: Number('123456789876543212345678987654321.110'), c: 1.5, d: [1] });
    expect(exact?.lookup([], 'a')).toBe('3.540');
    expect(exact?.lookup([], 'b')).toBe('123456789876543212345678987654321.110');
    expect(exact?.lookup([], 'c')).toBeUndefined(); // a double holds 1.5 exactly
    expect(exact?.lookup(['d'], 0)).toBe('1.0');
  });

  it('collects literal paths through nesting, arrays, escaped keys and strings that look like numbers', () => {
    const table = collectExactLiterals('{"a":[1.0,{"b\\"c":2.50}],"s":"3.540","d":{"e":[[12345678901234567.5]]},"f":7}');
    expect([...table]).toEqual([
      [pathKey(['a'], 0), '1.0'],
      [pathKey(['a', 1], 'b"c'), '2.50'],
      [pathKey(['d', 'e', 0], 0), '12345678901234567.5'],
    ]);
  });

  it('a text parsed under a base path answers only for paths under it', () => {
    const { exact } = parseJsonText('{"after":{"price":10.50}}', LOSSLESS, ['payload']);
    expect(exact?.lookup(['payload', 'after'], 'price')).toBe('10.50');
    expect(exact?.lookup(['after'], 'price')).toBeUndefined();
  });

  it('ignores digits inside strings, including escaped quotes', () => {
    const { value } = parseJsonText('{"s":"12345678901234567890 \\" 1.50","n":1}', LOSSLESS);
    expect(value).toEqual({ s: '12345678901234567890 " 1.50', n: 1 });
  });

  it.each([
    ['keys located in the text', '{"source":{"ts_ns":1746440315942179000},"ts_ns":1746440316214861840,"n":9007199254740993}'],
    ['a key that also appears inside a string', '{"s":"\\"ts_ns\\":1","ts_ns":1746440316214861840}'],
    ['a key with a small value first', '{"a":{"ts_ns":1},"ts_ns":1746440316214861840}'],
    ['duplicate keys (the last one wins)', '{"n":12345678901234567891,"n":12345678901234567892}'],
    ['integer-like keys enumerate first', '{"b":{"x":12345678901234567891},"1":{"x":12345678901234567892}}'],
    ['large integers in arrays', '{"a":[12345678901234567891,1,-12345678901234567892]}'],
    ['escaped key names', '{"t\\u0073":12345678901234567891}'],
    ['a large non-integer literal', '{"e":1e300,"f":123456789012345678901.5}'],
    ['a root-level long integer', '12345678901234567890'],
  ])('every route gives the strict parser’s exact result: %s', (_name, text) => {
    expect(parseJsonText(text, LOSSLESS).value).toEqual(strict(text).value);
  });
  it('lossless off is plain JSON.parse', () => {
    expect(parseJsonText('{"ns":1746440316214861840}', { lossless: false, maxDepth: 64 }).value).toEqual({ ns: Number('1746440316214861840') });
  });

  it('a \\u0000 escape in a string sends the text to the strict parser (no marker collision)', () => {
    const { value } = parseJsonText('{"s":"\\u0000123","n":12345678901234567890}', LOSSLESS);
    expect(value).toEqual({ s: '\u0000123', n: 12345678901234567890n });
  });

  it('rejects a malformed long token', () => {
    const error = syntaxError(() => parseJsonText('{"a":1.2.30000000000000000}', LOSSLESS));
    expect(error.failure).toBe('invalid-json');
    expect(error.offset).toBe(8); // the second '.'
  });

  it('reports syntax errors with offset and path, never quoting the text', () => {
    const text = '{"payload":{"after":{"secret":"hunter2",}}}';
    const error = syntaxError(() => parseJsonText(text, LOSSLESS));
    expect(error.offset).toBe(text.indexOf(',}') + 1);
    expect(error.path).toEqual(['payload', 'after']);
    expect(error.message).not.toContain('hunter2');
  });

  it('property: agrees with JSON.parse on values a double holds exactly', () => {
    fc.assert(
      fc.property(safeJson, fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(parseJsonText(text, LOSSLESS).value).toEqual(JSON.parse(text));
        expect(strict(text).value).toEqual(JSON.parse(text));
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('property: any integer survives exactly (bigint beyond 2^53), in objects and arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), { maxLength: 8 }), (integers) => {
        const text = `{"values":[${integers.join(',')}],"tail":"x"}`;
        const expected = integers.map((n) => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n));
        expect(parseJsonText(text, LOSSLESS).value).toEqual({ values: expected, tail: 'x' });
        expect(strict(text).value).toEqual({ values: expected, tail: 'x' });
      }),
      { seed: 11, numRuns: 400 },
    );
  });

  it('property: any tree with big integers under any keys parses exactly like the strict parser', () => {
    const key = fc.constantFrom('ts_ns', 'id', 'n', '1', '0', 'a"b', 'é', '__proto__x');
    const leaf = fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.integer(), fc.constantFrom('ts_ns', '"ts_ns":1', null, true, 1.5));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.array(fc.tuple(key, tie('node')), { maxLength: 4 })),
    })).node;
    const toText = (value: unknown): string => {
      if (typeof value === 'bigint') return value.toString();
      if (Array.isArray(value) && value.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string')) {
        return `{${(value as [string, unknown][]).map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`).join(',')}}`;
      }
      if (Array.isArray(value)) return `[${value.map(toText).join(',')}]`;
      return JSON.stringify(value);
    };
    fc.assert(
      fc.property(tree, fc.boolean(), (value, spaced) => {
        let text = toText(value);
        if (spaced) text = text.replace(/:/g, ' : ').replace(/,/g, ' ,\n ');
        let expected: unknown;
        try {
          expected = strict(text).value;
        } catch {
          return; // spacing inside strings may have broken nothing, but skip texts the strict parser refuses
        }
        expect(parseJsonText(text, LOSSLESS).value).toEqual(expected);
      }),
      { seed: 17, numRuns: 1500 },
    );
  });

  it('property: decimal literals keep their exact text (hybrid lookup agrees with the strict parser)', () => {
    const literal = fc
      .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 1, max: 12 }), fc.nat({ max: 3 }))
      .map(([unscaled, scale, zeros]) => {
        const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
        return `${unscaled < 0n ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}${'0'.repeat(zeros)}`;
      });
    fc.assert(
      fc.property(literal, (text) => {
        const json = `{"v":${text}}`;
        const hybrid = parseJsonText(json, LOSSLESS);
        expect((hybrid.value as { v: number }).v).toBe(Number(text));
        const recorded = hybrid.exact?.lookup([], 'v');
        expect(recorded).toBe(literalNeedsText(text) ? text : undefined);
        // recorded exactly when a double would distort the text
        if (recorded !== undefined) expect(recorded).toBe(text);
        else expect(parseDecimalText(String(Number(text)))?.equals(parseDecimalText(text)!)).toBe(true); // the double holds the value
      }),
      { seed: 13, numRuns: 400 },
    );
  });
});

describe('parseJsonStrict', () => {
  it('never changes a prototype: __proto__ is an own data property', () => {
    const { value } = strict('{"__proto__":{"polluted":true},"a":{"__proto__":[1]}}');
    const object = value as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((object.a as Record<string, unknown>).__proto__).toEqual([1]);
  });

  it('decodes every escape, including surrogate pairs', () => {
    expect(strict('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"').value).toBe('"\\/\b\f\n\r\té😀');
  });

  it('limits nesting instead of overflowing the stack', () => {
    const deep = '['.repeat(100) + ']'.repeat(100);
    const error = syntaxError(() => parseJsonStrict(deep, { lossless: false, maxDepth: 64 }));
    expect(error.failure).toBe('too-deep');
    expect(parseJsonStrict(deep, { lossless: false, maxDepth: 100 })).toBeInstanceOf(Array);
  });

  it.each([
    ['', 0, 'unexpected end of input'],
    ['{"a":1', 6, "',' or '}'"],
    ['[1,]', 3, 'a value was expected'],
    ['{"a" 1}', 5, "':'"],
    ['"abc', 4, 'unterminated string'],
    ['"a\u0001"', 2, 'control character'],
    ['"\\x"', 1, 'invalid escape'],
    ['"\\u12G4"', 1, 'invalid \\u escape'],
    ['01', 1, 'unexpected content'],
    ['-', 1, 'a digit was expected'],
    ['1.', 2, 'after the decimal point'],
    ['1e+', 3, 'in the exponent'],
    ['tru', 0, 'a value was expected'],
    ['{1:2}', 1, 'quoted property name'],
    ['[1 2]', 3, "',' or ']'"],
  ])('rejects %j at offset %i (%s)', (text, offset, what) => {
    const error = syntaxError(() => parseJsonStrict(text, { lossless: true, maxDepth: 64 }));
    expect(error.offset).toBe(offset);
    expect(error.message).toContain(what);
    expect(() => JSON.parse(text)).toThrow();
  });
});
