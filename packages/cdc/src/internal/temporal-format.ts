/** Units per second of the temporal encodings Debezium uses. */
export type UnitsPerSecond = 1000 | 1_000_000 | 1_000_000_000;

const SECONDS_PER_DAY = 86_400;

/** Splits `value` (units since an origin) into whole seconds and the non-negative remainder. */
export function splitSeconds(value: number | bigint, unitsPerSecond: UnitsPerSecond): { seconds: number; fraction: number } {
  if (typeof value === 'bigint') {
    const units = BigInt(unitsPerSecond);
    let seconds = value / units;
    let fraction = value - seconds * units;
    if (fraction < 0n) {
      seconds -= 1n;
      fraction += units;
    }
    return { seconds: Number(seconds), fraction: Number(fraction) };
  }
  let seconds = Math.floor(value / unitsPerSecond);
  let fraction = value - seconds * unitsPerSecond;
  if (fraction < 0) {
    seconds -= 1;
    fraction += unitsPerSecond;
  } else if (fraction >= unitsPerSecond) {
    seconds += 1;
    fraction -= unitsPerSecond;
  }
  return { seconds, fraction };
}

/** Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Day count since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = year - (month <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return (year < 0 ? '-' : '+') + pad(Math.abs(year), 6);
}

/** `YYYY-MM-DD` of a day count since the epoch (ISO 8601; years outside 0..9999 get a sign and 6 digits). */
export function formatEpochDays(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function fractionDigits(unitsPerSecond: UnitsPerSecond): number {
  return unitsPerSecond === 1000 ? 3 : unitsPerSecond === 1_000_000 ? 6 : 9;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.fff[fff[fff]]` of a value since the epoch with no time zone (Debezium
 * `Timestamp`, `MicroTimestamp`, `NanoTimestamp` are wall-clock times encoded as if UTC).
 */
export function formatLocalTimestamp(value: number | bigint, unitsPerSecond: UnitsPerSecond): string {
  const { seconds, fraction } = splitSeconds(value, unitsPerSecond);
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const secondOfDay = seconds - days * SECONDS_PER_DAY;
  return `${formatEpochDays(days)}T${formatClock(secondOfDay)}.${pad(fraction, fractionDigits(unitsPerSecond))}`;
}

function formatClock(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}`;
}

/**
 * `HH:MM:SS.fff…` of a time since midnight. MySQL `TIME` may be negative or exceed 24 hours:
 * hours then grow past 23 and a `-` sign leads.
 */
export function formatTimeOfDay(value: number | bigint, unitsPerSecond: UnitsPerSecond): string {
  const negative = value < 0;
  const magnitude = typeof value === 'bigint' ? (negative ? -value : value) : Math.abs(value);
  const { seconds, fraction } = splitSeconds(magnitude, unitsPerSecond);
  return `${negative ? '-' : ''}${formatClock(seconds)}.${pad(fraction, fractionDigits(unitsPerSecond))}`;
}

/** Milliseconds since the epoch (floored) of a value in the given unit. */
export function toEpochMs(value: number | bigint, unitsPerSecond: UnitsPerSecond): number {
  const { seconds, fraction } = splitSeconds(value, unitsPerSecond);
  return seconds * 1000 + Math.floor(fraction / (unitsPerSecond / 1000));
}

/** Nanoseconds since the epoch of a value in the given unit, exactly. */
export function toEpochNs(value: number | bigint, unitsPerSecond: UnitsPerSecond): bigint {
  const factor = BigInt(1_000_000_000 / unitsPerSecond);
  return (typeof value === 'bigint' ? value : BigInt(value)) * factor;
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO-8601 / SQL timestamp with up to nanosecond digits (`2024-10-27T12:39:03.210671Z`,
 * `2019-12-09 14:23:01.567832+00`). No offset means UTC. Returns ms since the epoch and, when the
 * text has more than 3 fraction digits, exact ns; undefined when the text is not such a timestamp.
 */
export function parseIsoTimestamp(text: string): { ms: number; ns: bigint | null } | undefined {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const [y, mo, d, h, mi, se] = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return undefined;
  const baseMs = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + se * 1000;
  const secondsMs = baseMs - offsetMinutes * 60_000;
  const nanos = Number(fraction.padEnd(9, '0'));
  // ns only when the text is more precise than milliseconds
  return { ms: secondsMs + Math.floor(nanos / 1_000_000), ns: fraction.length > 3 ? BigInt(secondsMs) * 1_000_000n + BigInt(nanos) : null };
}
