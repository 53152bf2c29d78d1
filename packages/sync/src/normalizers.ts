/**
 * Ready-made normalisers for a field's `normalize` option. Each maps strings and passes every other
 * value through unchanged, so they are safe on fields that may be null.
 */

/**
 * A normaliser: maps a canonical value to the form it is compared in.
 *
 * @example
 * ```ts
 * const digitsOnly: Normalizer = (v) => (typeof v === 'string' ? v.replace(/\D/g, '') : v);
 * ```
 */
export type Normalizer = (value: unknown) => unknown;

/**
 * Compares strings without leading and trailing white space.
 *
 * @example
 * ```ts
 * fields: { name: { owner: 'crm', normalize: trimmed } } // ' Ada ' equals 'Ada'
 * ```
 */
export const trimmed: Normalizer = (value) => (typeof value === 'string' ? value.trim() : value);

/**
 * Compares strings case-insensitively (lower-cased, locale-independent).
 *
 * @example
 * ```ts
 * fields: { country: { owner: 'erp', normalize: caseInsensitive } } // 'DE' equals 'de'
 * ```
 */
export const caseInsensitive: Normalizer = (value) => (typeof value === 'string' ? value.toLowerCase() : value);

/**
 * Compares e-mail addresses trimmed and case-insensitively.
 *
 * @example
 * ```ts
 * fields: { email: { owner: 'crm', normalize: emailAddress } } // ' Ada@Example.com' equals 'ada@example.com'
 * ```
 */
export const emailAddress: Normalizer = (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/**
 * Chains normalisers left to right.
 *
 * @example
 * ```ts
 * const normalize = composeNormalizers(trimmed, (v) => (typeof v === 'string' ? v.replace(/\s+/g, ' ') : v));
 * ```
 */
export function composeNormalizers(...normalizers: readonly Normalizer[]): Normalizer {
  return (value) => {
    let out = value;
    for (const normalize of normalizers) out = normalize(out);
    return out;
  };
}
