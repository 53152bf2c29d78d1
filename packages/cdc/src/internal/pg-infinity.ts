/**
 * PostgreSQL's `infinity` / `-infinity` dates and timestamps as Debezium encodes them. Debezium's
 * PostgreSQL connector sends fixed sentinels (captured from Debezium 3.6.1, see
 * test/fixtures/captured): an int32 day count for `date`, pgjdbc's `DATE_POSITIVE_INFINITY` /
 * `DATE_NEGATIVE_INFINITY` for zone-less timestamps in every precision, and the texts
 * `'infinity'` / `'-infinity'` for `timestamptz`. @iap/cdc returns the texts in every temporal
 * mode except `'raw'`.
 */
export type PgInfinity = 'infinity' | '-infinity';

const DATE_POSITIVE_INFINITY_DAYS = -2147472692;
const DATE_NEGATIVE_INFINITY_DAYS = -2147472691;
const TIMESTAMP_POSITIVE_INFINITY = 9223372036825200000n;
const TIMESTAMP_NEGATIVE_INFINITY = -9223372036832400000n;

/** The infinity a Debezium `date` day count stands for, if it is one. */
export function dateInfinity(days: number): PgInfinity | undefined {
  if (days === DATE_POSITIVE_INFINITY_DAYS) return 'infinity';
  if (days === DATE_NEGATIVE_INFINITY_DAYS) return '-infinity';
  return undefined;
}

/** The infinity a Debezium zone-less timestamp stands for, if it is one (exact for bigints). */
export function timestampInfinity(units: number | bigint): PgInfinity | undefined {
  if (typeof units === 'bigint') {
    if (units === TIMESTAMP_POSITIVE_INFINITY) return 'infinity';
    if (units === TIMESTAMP_NEGATIVE_INFINITY) return '-infinity';
    return undefined;
  }
  if (units === Number(TIMESTAMP_POSITIVE_INFINITY)) return 'infinity';
  if (units === Number(TIMESTAMP_NEGATIVE_INFINITY)) return '-infinity';
  return undefined;
}

/** True for the texts PostgreSQL (and Debezium's `ZonedTimestamp`) use for infinite values. */
export function isInfinityText(text: string): text is PgInfinity {
  return text === 'infinity' || text === '-infinity';
}
