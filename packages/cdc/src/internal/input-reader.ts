import { CdcParseError } from '../cdc-parse-error.js';
import { JsonSyntaxError } from './json-syntax-error.js';
import { parseJsonText, type ParsedJson } from './json-text.js';
import type { ResolvedParserOptions } from './resolved-options.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A message input as text, or a value the caller parsed already, or absent (tombstone). */
export type ReadInput = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'value'; readonly value: unknown } | { readonly kind: 'absent' };

function inputError(reason: 'invalid-input' | 'invalid-utf8' | 'too-large', path: readonly (string | number)[], problem: string, hint?: string): CdcParseError {
  return new CdcParseError({ format: 'unknown', reason, path, problem, ...(hint === undefined ? {} : { hint }) });
}

/**
 * Normalises an input (bytes, text, parsed value, null) without parsing it. Empty input and null
 * are absent (tombstones).
 *
 * @throws CdcParseError `too-large`, `invalid-utf8` or `invalid-input`.
 */
export function readInput(input: unknown, options: ResolvedParserOptions, path: readonly (string | number)[]): ReadInput {
  if (input === null || input === undefined) return { kind: 'absent' };
  if (typeof input === 'string') {
    if (input.length > options.maxInputBytes) throw inputError('too-large', path, `the input is larger than maxInputBytes (${options.maxInputBytes})`);
    return input.length === 0 ? { kind: 'absent' } : { kind: 'text', text: input };
  }
  if (input instanceof Uint8Array) {
    if (input.byteLength > options.maxInputBytes) throw inputError('too-large', path, `the input is larger than maxInputBytes (${options.maxInputBytes})`);
    if (input.byteLength === 0) return { kind: 'absent' };
    let text: string;
    try {
      text = utf8.decode(input);
    } catch (cause) {
      throw new CdcParseError({ format: 'unknown', reason: 'invalid-utf8', path, problem: 'the bytes are not valid UTF-8', cause });
    }
    return { kind: 'text', text };
  }
  if (typeof input === 'object') {
    checkJsonValue(input, options.maxDepth, path);
    return { kind: 'value', value: input };
  }
  throw inputError('invalid-input', path, `expected bytes, a string, a parsed JSON value or null, got a ${typeof input}`);
}

/** Parses text as JSON, converting syntax errors into {@link CdcParseError}s. */
export function parseText(text: string, options: ResolvedParserOptions, path: readonly (string | number)[], offsetBase = 0): ParsedJson {
  try {
    return parseJsonText(text, { lossless: options.lossless, maxDepth: options.maxDepth }, path);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new CdcParseError({
        format: 'unknown',
        reason: error.failure,
        path: [...path, ...error.path],
        problem: error.message,
        offset: error.offset + offsetBase,
        ...(error.failure === 'invalid-json' ? { hint: 'the record value must be JSON text' } : {}),
      });
    }
    throw error;
  }
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Checks that a caller-supplied value is JSON data (null, booleans, finite numbers, bigints,
 * strings, arrays, plain objects; `undefined` properties count as absent) and not deeper than
 * `maxDepth`, iteratively.
 *
 * @throws CdcParseError `invalid-input` or `too-deep` with the path of the offending value.
 */
export function checkJsonValue(root: object, maxDepth: number, basePath: readonly (string | number)[]): void {
  const stack: { value: unknown; path: readonly (string | number)[] }[] = [{ value: root, path: basePath }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw inputError('invalid-input', path, 'numbers must be finite');
      continue;
    }
    if (typeof value !== 'object') throw inputError('invalid-input', path, `a ${typeof value} is not JSON data`);
    if (path.length - basePath.length >= maxDepth) throw new CdcParseError({ format: 'unknown', reason: 'too-deep', path, problem: `nesting deeper than ${maxDepth} levels` });
    if (seen.has(value)) continue; // shared (or cyclic) references are checked once; decoders bound their own depth
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    } else {
      throw inputError('invalid-input', path, 'only plain objects and arrays are JSON data', 'pass the record bytes instead');
    }
  }
}
