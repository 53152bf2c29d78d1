import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTraceparent, formatTraceparent, parseTraceparent } from './trace-context.js';
import { isValidationError, type ValidationError } from './validation-error.js';

describe('W3C traceparent', () => {
  it('parses the spec example', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      version: '00', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: 1, sampled: true,
    });
  });

  it.each([
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'all-zero trace id'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'all-zero span id'],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'version ff'],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', 'uppercase'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', 'extra field on version 00'],
    ['00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', 'short trace id'],
  ])('rejects %s (%s)', (value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('accepts future versions with extra fields', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future')?.sampled).toBe(false);
  });

  it('creates child spans in the same trace and new sampled traces', () => {
    const parent = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')!;
    const child = parseTraceparent(createTraceparent(parent))!;
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentId).not.toBe(parent.parentId);
    expect(child.sampled).toBe(false);
    expect(parseTraceparent(createTraceparent())?.sampled).toBe(true);
  });

  it('a child keeps the sampled flag and zeroes the flag bits the spec does not define', () => {
    for (const [flags, childFlags] of [[0xff, 0x01], [0xfe, 0x00], [0x03, 0x01], [0x02, 0x00]] as const) {
      const parent = parseTraceparent(`00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-${flags.toString(16).padStart(2, '0')}`)!;
      expect(parseTraceparent(createTraceparent(parent))?.flags).toBe(childFlags);
    }
  });

  it.each([
    [{ traceId: '4BF92F3577B34DA6A3CE929D0E0E4736', parentId: '00f067aa0ba902b7' }, 'traceId'],
    [{ traceId: '0'.repeat(32), parentId: '00f067aa0ba902b7' }, 'traceId'],
    [{ traceId: '4bf92f3577b34da6a3ce929d0e0e473', parentId: '00f067aa0ba902b7' }, 'traceId'],
    [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '0'.repeat(16) }, 'parentId'],
    [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7-x' }, 'parentId'],
    [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: 256 }, 'flags'],
    [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: -1 }, 'flags'],
    [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: 1.5 }, 'flags'],
  ])('formatTraceparent refuses parts that make an invalid header (%o)', (parts, path) => {
    let thrown: unknown;
    try {
      formatTraceparent(parts);
    } catch (error) {
      thrown = error;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect((thrown as ValidationError).issues.map((issue) => issue.path[0])).toEqual([path]);
  });

  it('property: format and parse round trip', () => {
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)).filter((s) => /[1-9a-f]/.test(s));
    fc.assert(
      fc.property(hex(32), hex(16), fc.integer({ min: 0, max: 255 }), (traceId, parentId, flags) => {
        expect(parseTraceparent(formatTraceparent({ traceId, parentId, flags }))).toEqual({ version: '00', traceId, parentId, flags, sampled: (flags & 1) === 1 });
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});
