import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from './envelope-codec.js';
import { IapError } from './iap-error.js';
import { jsonErrorIndex } from './internal/json-error-index.js';
import { utf8ErrorOffset } from './internal/utf8-error-offset.js';

function decodeError(input: Uint8Array | string): IapError {
  try {
    decodeEnvelope(input);
  } catch (error) {
    if (IapError.isInstance(error) && error.code === 'DECODE') return error;
    throw error;
  }
  throw new Error('expected a DECODE error');
}

describe('DECODE errors say where', () => {
  it.each([
    ['{"a":}', 5, 1, 6],
    ['[1,]', 3, 1, 4],
    ['{"a":1', 6, 1, 7],
    ['tru', 3, 1, 4],
    ['{\n  "secret": hunter2\n}', 14, 2, 13],
    ['"\\x"', 2, 1, 3],
    ['{"a":1}x', 7, 1, 8],
    ['01', 1, 1, 2],
  ])('%j: position %i, line %i, column %i', (text, position, line, column) => {
    const error = decodeError(text);
    expect(error.details).toEqual({ position, line, column });
    expect(error.message).not.toContain('hunter2');
  });

  it('gives the byte offset for bytes input (multi-byte characters and a BOM counted)', () => {
    const bytes = new TextEncoder().encode('\ufeff{"ä€":,}');
    // after the BOM: { " ä € " : , -> the comma is character 6; bytes: BOM 3 + {" 2 + ä 2 + € 3 + ": 2
    expect(decodeError(bytes).details).toEqual({ position: 6, line: 1, column: 7, byteOffset: 3 + 9 });
  });

  it.each([
    [[0x7b, 0xff, 0x7d], 1],
    [[0x41, 0xc3], 1],
    [[0xe2, 0x82, 0xac, 0xed, 0xa0, 0x80], 3],
    [[0xc0, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0],
  ])('invalid UTF-8 %j at byte %i', (bytes, byteOffset) => {
    const error = decodeError(new Uint8Array(bytes));
    expect(error.details).toEqual({ byteOffset });
    expect(error.message).toContain(`byte ${byteOffset}`);
  });

  it('property: agrees with JSON.parse on validity, and with V8 where V8 names a position', () => {
    const mutated = fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', '\\', ':', '-', '0', 'e', ' ', 'x', '\u0001')).map(([json, at, insert]) => {
      const i = at % (json.length + 1);
      return insert === '' ? json.slice(0, i) + json.slice(i + 1) : json.slice(0, i) + insert + json.slice(i);
    });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
        let v8: string | undefined;
        try {
          JSON.parse(text);
        } catch (error) {
          v8 = (error as Error).message;
        }
        const index = jsonErrorIndex(text);
        if (v8 === undefined) expect(index).toBe(-1);
        else {
          expect(index).toBeGreaterThanOrEqual(0);
          const named = /at position (\d+)/.exec(v8)?.[1];
          if (named !== undefined) expect(index).toBe(Number(named));
        }
      }),
      { seed: 2026, numRuns: 3000 },
    );
  });

  it('property: agrees with the fatal TextDecoder on UTF-8 validity', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: 'grapheme' }).map((s) => new TextEncoder().encode(s))), (bytes) => {
        let valid = true;
        try {
          decoder.decode(bytes);
        } catch {
          valid = false;
        }
        const offset = utf8ErrorOffset(bytes);
        expect(offset < 0).toBe(valid);
        if (!valid) expect(() => decoder.decode(bytes.subarray(0, offset))).not.toThrow();
      }),
      { seed: 2027, numRuns: 3000 },
    );
  });
});
