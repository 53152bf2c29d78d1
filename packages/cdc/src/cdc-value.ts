import type { Decimal } from './decimal.js';
import type { UnavailableValue } from './unavailable.js';

/**
 * A decoded column value.
 *
 * - integers are `number`, or `bigint` beyond 2^53 (lossless mode);
 * - decimals are an exact `string` by default, or a {@link Decimal} / `number` by option;
 * - binary columns (and geometry `wkb`) are `Uint8Array`;
 * - temporal columns are ISO strings by default, or `Date` / raw numbers by option;
 * - `Unavailable` marks an unchanged value the source did not send (TOAST);
 * - structs, arrays, maps and parsed JSON columns nest these.
 *
 * @example
 * ```ts
 * const price: CdcValue = event.after?.price ?? null; // '30.50' with the default decimalMode
 * ```
 */
export type CdcValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | Decimal
  | UnavailableValue
  | readonly CdcValue[]
  | { readonly [field: string]: CdcValue };

/** One row image (`before`, `after` or `key`): column name to decoded value. */
export type Row = { readonly [column: string]: CdcValue };
