import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, formatEpochDays, formatLocalTimestamp, formatTimeOfDay, parseIsoTimestamp, splitSeconds, toEpochMs, toEpochNs } from './temporal-format.js';

const MS_PER_DAY = 86_400_000;

describe('temporal formatting', () => {
  it('formats day counts as ISO dates, before and after the epoch', () => {
    expect(formatEpochDays(0)).toBe('1970-01-01');
    expect(formatEpochDays(19279)).toBe('2022-10-14');
    expect(formatEpochDays(-1)).toBe('1969-12-31');
    expect(formatEpochDays(-719528)).toBe('0000-01-01');
    expect(formatEpochDays(2932897)).toBe('+010000-01-01');
    expect(formatEpochDays(-719529)).toBe('-000001-12-31');
  });

  it('formats zone-less timestamps with the unit’s fraction digits', () => {
    expect(formatLocalTimestamp(1679581805123, 1000)).toBe('2023-03-23T14:30:05.123');
    expect(formatLocalTimestamp(1665791731989360, 1_000_000)).toBe('2022-10-14T23:55:31.989360');
    expect(formatLocalTimestamp(1746440316214861840n, 1_000_000_000)).toBe('2025-05-05T10:18:36.214861840');
    expect(formatLocalTimestamp(-1, 1_000_000)).toBe('1969-12-31T23:59:59.999999');
    expect(formatLocalTimestamp(-1257206400000000, 1_000_000)).toBe('1930-03-01T00:00:00.000000');
  });

  it('formats times of day, including MySQL TIME beyond 24h and negative', () => {
    expect(formatTimeOfDay(36803000000, 1_000_000)).toBe('10:13:23.000000');
    expect(formatTimeOfDay(86131989360, 1_000_000)).toBe('23:55:31.989360');
    expect(formatTimeOfDay(3_020_399_000, 1000)).toBe('838:59:59.000');
    expect(formatTimeOfDay(-3_600_000_000, 1_000_000)).toBe('-01:00:00.000000');
    expect(formatTimeOfDay(1n, 1_000_000_000)).toBe('00:00:00.000000001');
  });

  it('property: millisecond timestamps agree with Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        expect(`${formatLocalTimestamp(ms, 1000)}Z`).toBe(new Date(ms).toISOString());
        expect(toEpochMs(BigInt(ms) * 1000n + 999n, 1_000_000)).toBe(ms);
        if (Number.isSafeInteger(ms * 1000)) expect(toEpochMs(ms * 1000 + 999, 1_000_000)).toBe(ms);
        expect(toEpochMs(BigInt(ms) * 1_000_000n + 999_999n, 1_000_000_000)).toBe(ms);
      }),
      { seed: 3, numRuns: 2000 },
    );
  });

  it('property: days round trip through daysFromCivil and agree with Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_528, max: 2_932_896 }), (days) => {
        const text = formatEpochDays(days);
        expect(text).toBe(new Date(days * MS_PER_DAY).toISOString().slice(0, 10));
        const [year, month, day] = text.split('-').map(Number) as [number, number, number];
        expect(daysFromCivil(year, month, day)).toBe(days);
      }),
      { seed: 4, numRuns: 2000 },
    );
  });

  it('property: splitSeconds is floor division for numbers and bigints alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.constantFrom(1000 as const, 1_000_000 as const, 1_000_000_000 as const), (value, unit) => {
        const fromNumber = splitSeconds(value, unit);
        const fromBigint = splitSeconds(BigInt(value), unit);
        expect(fromNumber).toEqual(fromBigint);
        expect(fromNumber.fraction).toBeGreaterThanOrEqual(0);
        expect(fromNumber.fraction).toBeLessThan(unit);
        expect(BigInt(fromNumber.seconds) * BigInt(unit) + BigInt(fromNumber.fraction)).toBe(BigInt(value));
        expect(toEpochNs(value, unit)).toBe(BigInt(value) * BigInt(1_000_000_000 / unit));
      }),
      { seed: 5, numRuns: 2000 },
    );
  });

  it('parses ISO and SQL timestamps with offsets and up to 9 fraction digits', () => {
    expect(parseIsoTimestamp('2024-10-27T12:39:03.210671Z')).toEqual({ ms: 1730032743210, ns: 1730032743210671000n });
    expect(parseIsoTimestamp('2019-12-09 14:23:01.567832+00')).toEqual({ ms: Date.parse('2019-12-09T14:23:01.567Z'), ns: 1575901381567832000n });
    expect(parseIsoTimestamp('2019-12-09T14:23:01+05:30')?.ms).toBe(Date.parse('2019-12-09T14:23:01+05:30'));
    expect(parseIsoTimestamp('0050-01-01T00:00:00Z')?.ms).toBe(Date.parse('0050-01-01T00:00:00Z'));
    expect(parseIsoTimestamp('2024-02-07T08:11:50.054Z')).toEqual({ ms: 1707293510054, ns: null }); // ms precision: no ns
    expect(parseIsoTimestamp('2019-13-01T00:00:00Z')).toBeUndefined();
    expect(parseIsoTimestamp('yesterday')).toBeUndefined();
  });
});
