import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture } from './__fixtures__/load-fixture.js';
import { isCdcParseError } from './cdc-parse-error.js';
import { createCdcParser, type CdcInput, type CdcParser } from './cdc-parser.js';
import { parseJsonText } from './internal/json-text.js';

const FIXTURES = fixtureNames().map(loadFixture);
const TEXTS = FIXTURES.map((fixture) => fixture.text);
const VALUES = FIXTURES.map((fixture) => (typeof fixture.value === 'string' ? parseJsonText(fixture.value, { lossless: true, maxDepth: 64 }).value : fixture.value));

const PARSERS: CdcParser[] = [
  createCdcParser(),
  createCdcParser({ decimalMode: 'decimal', temporalMode: 'date', jsonMode: 'string', schemaCacheSize: 0 }),
  createCdcParser({ lossless: false, decimalMode: 'number', temporalMode: 'raw', columnTypes: { '*': { id: { type: 'decimal', scale: 2 }, price: { type: 'decimal', encoding: 'base64', scale: 2 }, dob: { type: 'timestamp-micros' } } } }),
];

/** Parses with every parser; each must either succeed or throw a CdcParseError, and agree with safeParse. */
function mustOnlyFailWithCdcParseError(value: CdcInput, key?: CdcInput): void {
  for (const parser of PARSERS) {
    let thrown: unknown;
    try {
      parser.parse(value, { key });
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined && !isCdcParseError(thrown)) throw new Error("a non-CdcParseError escaped", { cause: thrown });
    // the engine's safety net wraps unexpected failures (bugs) as invalid-input with a cause: there must be none
    if (isCdcParseError(thrown) && thrown.reason === 'invalid-input' && thrown.cause !== undefined) throw new Error('an internal failure was wrapped', { cause: thrown.cause });
    const result = parser.safeParse(value, { key });
    expect(result.ok).toBe(thrown === undefined);
    if (!result.ok) expect(isCdcParseError(result.error)).toBe(true);
  }
}

type Path = (string | number)[];

/** JSON text with bigints written as plain number literals (Node 20 has no JSON.rawJSON). */
function stringifyWithBigints(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `@@bigint:${v.toString()}@@` : v))?.replace(/"@@bigint:(-?\d+)@@"/g, '$1');
}

function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, index], out));
  else if (typeof value === 'object' && value !== null) for (const key of Object.keys(value)) pathsOf((value as Record<string, unknown>)[key], [...path, key], out);
  return out;
}

function replaceAt(value: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value] as unknown[];
    if (remove && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number], rest, replacement, remove);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (remove && rest.length === 0) delete copy[head as string];
  else copy[head as string] = replaceAt(copy[head as string], rest, replacement, remove);
  return copy;
}

/** Nasty replacement values: wrong types, huge numbers, placeholders, bad base64, deep nesting, prototype keys. */
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }),
  fc.constantFrom(
    '__debezium_unavailable_value',
    'X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==',
    '!!not base64',
    'NaN',
    '',
    'c',
    'u',
    'd',
    'r',
    't',
    'm',
    'BEGIN',
    'END',
    'UPDATE',
    'INSERT',
    'DELETE',
    'TRUNCATE',
    'true',
    'first',
    '0/16D3220',
    '{"$oid":1}',
    1e308,
    -0,
    2 ** 53,
    [],
    {},
    null,
    true,
  ),
  fc.constant(JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}') as unknown),
  fc.integer({ min: 1, max: 80 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
);

describe('fuzzing: malformed messages only ever produce CdcParseError', () => {
  it('property: byte-level mutations of every fixture (flip, delete, insert, truncate)', () => {
    const mutation = fc.record({
      fixture: fc.nat({ max: TEXTS.length - 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate'), char: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', '0', '9', '.', '-', 'e', 'n', ' ', '\u0000', 'é', '\ud800') }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(mutation, ({ fixture, edits }) => {
        let text = TEXTS[fixture]!;
        for (const edit of edits) {
          const at = edit.at % (text.length + 1);
          if (edit.kind === 'flip') text = text.slice(0, at) + edit.char + text.slice(at + 1);
          else if (edit.kind === 'delete') text = text.slice(0, at) + text.slice(at + 1);
          else if (edit.kind === 'insert') text = text.slice(0, at) + edit.char + text.slice(at);
          else text = text.slice(0, at);
        }
        mustOnlyFailWithCdcParseError(text);
        mustOnlyFailWithCdcParseError(new TextEncoder().encode(text));
      }),
      { seed: 20251126, numRuns: 400 },
    );
  }, 60_000);

  it('property: structural mutations of every fixture (a node replaced by a nasty value or removed)', () => {
    const mutation = fc.record({ fixture: fc.nat({ max: VALUES.length - 1 }), node: fc.nat(), replacement: nasty, remove: fc.boolean(), asText: fc.boolean() });
    fc.assert(
      fc.property(mutation, ({ fixture, node, replacement, remove, asText }) => {
        const value = VALUES[fixture];
        const paths = pathsOf(value);
        const mutated = replaceAt(value, paths[node % paths.length]!, replacement, remove);
        const input = asText ? stringifyWithBigints(mutated) : mutated;
        mustOnlyFailWithCdcParseError(input ?? null);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed: 1126, numRuns: 1500 },
    );
  }, 60_000);

  it('property: arbitrary JSON values, strings and bytes as value and key', () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.string(), fc.uint8Array({ maxLength: 64 }), fc.constant(null));
    fc.assert(
      fc.property(anything, anything, (value, key) => {
        mustOnlyFailWithCdcParseError(value as CdcInput, key as CdcInput);
      }),
      { seed: 99, numRuns: 800 },
    );
  }, 60_000);

  it('deep nesting and huge numbers in otherwise valid messages', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    mustOnlyFailWithCdcParseError(`{"op":"c","after":{"a":${deep}},"source":{"connector":"postgresql"}}`);
    mustOnlyFailWithCdcParseError(`{"op":"c","after":{"a":1e999999},"source":{"connector":"postgresql"}}`);
    mustOnlyFailWithCdcParseError(`{"op":"c","after":{"a":${'9'.repeat(5000)}},"source":{"connector":"postgresql","lsn":${'9'.repeat(400)}}}`);
    mustOnlyFailWithCdcParseError(`{"op":"c","after":{"a":"\\u0000${'1'.repeat(20)}"},"ts_ns":${'1'.repeat(20)}}`);
  });
});
