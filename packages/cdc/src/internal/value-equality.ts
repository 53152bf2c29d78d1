import { Decimal } from '../decimal.js';
import { isUnavailable } from '../unavailable.js';

const MAX_DEPTH = 256;

/**
 * Whether two decoded values are the same value: numbers and bigints by numeric value (`1` equals
 * `1n`, `NaN` equals `NaN`), decimals by value, bytes byte by byte, dates by time, arrays and
 * objects structurally. Nesting beyond 256 levels compares as different (never a stack overflow).
 */
export function valuesEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > MAX_DEPTH) return false;
  const typeA = typeof a;
  const typeB = typeof b;
  if ((typeA === 'number' || typeA === 'bigint') && (typeB === 'number' || typeB === 'bigint')) {
    if (typeA === 'number' && Number.isNaN(a) && typeB === 'number' && Number.isNaN(b)) return true;
    if (typeA === typeB) return false; // === already failed
    const number = (typeA === 'number' ? a : b) as number;
    const big = (typeA === 'bigint' ? a : b) as bigint;
    return Number.isInteger(number) && BigInt(number) === big;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isUnavailable(a) || isUnavailable(b)) return false;
  if (Decimal.isDecimal(a) || Decimal.isDecimal(b)) return Decimal.isDecimal(a) && Decimal.isDecimal(b) && a.equals(b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i], depth + 1)) return false;
    return true;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!valuesEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
