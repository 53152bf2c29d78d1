import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseRfc3339, parseStrictInteger, parseTimestamp } from './strict-timestamp.js';

describe('strict timestamps', () => {
  it('reads digits only', () => {
    expect(parseStrictInteger('1700000000')).toBe(1_700_000_000);
    expect(parseStrictInteger('0')).toBe(0);
    for (const bad of ['', ' 1', '1 ', '+1', '-1', '1.0', '1e3', '0x10', '12abc', '１２', '1'.repeat(17)]) expect(parseStrictInteger(bad)).toBeUndefined();
  });

  it('round-trips seconds, milliseconds and RFC 3339 (property, seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(parseTimestamp(formatTimestamp(ms, 'milliseconds'), 'milliseconds')).toBe(ms);
        expect(parseTimestamp(formatTimestamp(ms, 'seconds'), 'seconds')).toBe(Math.floor(ms / 1000) * 1000);
        expect(parseTimestamp(formatTimestamp(ms, 'rfc3339'), 'rfc3339')).toBe(ms);
      }),
      { seed: 4, numRuns: 300 },
    );
  });

  it('reads RFC 3339 with offsets and nanoseconds, rejects impossible dates', () => {
    expect(parseRfc3339('2019-11-16T10:11:12.634234626Z')).toBe(Date.UTC(2019, 10, 16, 10, 11, 12, 634));
    expect(parseRfc3339('2019-11-16T12:11:12+02:00')).toBe(Date.UTC(2019, 10, 16, 10, 11, 12));
    for (const bad of ['2019-02-29T00:00:00Z', '2019-13-01T00:00:00Z', '2019-11-16T24:00:00Z', '2019-11-16T10:11:12', '2019-11-16T10:11:12.Z', '2019-11-16T10:11:12+2:00']) {
      expect(parseRfc3339(bad)).toBeUndefined();
    }
  });
});
