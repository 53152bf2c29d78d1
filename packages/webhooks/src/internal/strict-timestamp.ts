/**
 * Strict timestamp parsing. Integers: ASCII digits only (no sign, no spaces, no decimals, no
 * exponent), at most 16 digits, so `parseInt`'s habit of reading `"123abc"` as 123 cannot let a
 * malformed header through. RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with real calendar
 * ranges; fractions beyond milliseconds are truncated.
 */

/** The unit a provider's timestamp is written in. */
export type TimestampUnit = 'seconds' | 'milliseconds' | 'rfc3339';

/** Parses a non-negative decimal integer written with ASCII digits only; `undefined` otherwise. */
export function parseStrictInteger(text: string): number | undefined {
  const length = text.length;
  if (length === 0 || length > 16) return undefined;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses an RFC 3339 date-time into ms since the epoch; `undefined` when malformed or out of range. */
export function parseRfc3339(text: string): number | undefined {
  if (text.length > 40) return undefined;
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (zulu === undefined) {
    const offsetHours = Number(oh);
    const offsetMins = Number(om);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const ms = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms) - offsetMinutes * 60_000;
}

/** Parses a timestamp written in `unit` into ms since the epoch; `undefined` when malformed. */
export function parseTimestamp(text: string, unit: TimestampUnit): number | undefined {
  if (unit === 'rfc3339') return parseRfc3339(text);
  const value = parseStrictInteger(text);
  if (value === undefined) return undefined;
  return unit === 'seconds' ? value * 1000 : value;
}

/** Formats ms since the epoch in `unit` (seconds are floored). */
export function formatTimestamp(ms: number, unit: TimestampUnit): string {
  if (unit === 'rfc3339') return new Date(ms).toISOString();
  return String(unit === 'seconds' ? Math.floor(ms / 1000) : Math.floor(ms));
}
