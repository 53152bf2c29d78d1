import type { CdcValue } from '../../cdc-value.js';
import { parseDecimalText } from '../../decimal.js';
import { child, fail, type DecodeContext, type Path } from '../decode-context.js';
import { isJsonObject } from '../field-readers.js';
import { integerDecoder, setOwn } from '../value-decoders.js';

function onlyKey(value: Readonly<Record<string, unknown>>): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith('$') ? keys[0] : undefined;
}

function dateValue(value: unknown, context: DecodeContext, path: Path): CdcValue {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'bigint') ms = Number(value);
  else if (typeof value === 'string') ms = Date.parse(value);
  else if (isJsonObject(value) && typeof value.$numberLong === 'string') ms = Number(value.$numberLong);
  if (ms === undefined || !Number.isFinite(ms)) return fail(context, 'invalid-value', path, 'is not an extended JSON $date');
  const mode = context.options.temporalMode;
  if (mode === 'raw') return ms;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return fail(context, 'invalid-value', path, 'is outside the range of a JavaScript Date');
  return mode === 'date' ? date : date.toISOString();
}

/**
 * Converts MongoDB extended JSON (what Debezium's MongoDB connector sends as `before`/`after`
 * text) into plain values: `$numberLong`/`$numberInt` → integers (bigint beyond 2^53),
 * `$numberDouble` → number, `$numberDecimal` → decimal (per `decimalMode`), `$oid` → hex text,
 * `$date` → per `temporalMode`. Other `$` wrappers stay as they are.
 */
export function decodeExtendedJson(value: unknown, context: DecodeContext, path: Path, depth: number): CdcValue {
  if (depth > context.options.maxDepth) return fail(context, 'too-deep', path, `nesting deeper than ${context.options.maxDepth} levels`);
  if (Array.isArray(value)) return value.map((item, index) => decodeExtendedJson(item, context, child(path, index), depth + 1));
  if (!isJsonObject(value)) return value as CdcValue;
  const wrapper = onlyKey(value);
  if (wrapper !== undefined) {
    const inner = value[wrapper];
    switch (wrapper) {
      case '$oid':
        if (typeof inner === 'string') return inner;
        break;
      case '$numberLong':
      case '$numberInt':
        return integerDecoder(inner, context, value, wrapper, path);
      case '$numberDouble':
        if (typeof inner === 'string') return Number(inner);
        break;
      case '$numberDecimal': {
        const decimal = typeof inner === 'string' ? parseDecimalText(inner) : undefined;
        if (decimal === undefined) return typeof inner === 'string' ? inner : fail(context, 'invalid-value', path, 'is not an extended JSON $numberDecimal');
        const mode = context.options.decimalMode;
        return mode === 'decimal' ? decimal : mode === 'number' ? decimal.toNumber() : decimal.toString();
      }
      case '$date':
        return dateValue(inner, context, path);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, decodeExtendedJson(value[key], context, child(path, key), depth + 1));
  return out as CdcValue;
}
