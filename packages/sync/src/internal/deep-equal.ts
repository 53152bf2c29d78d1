/** How deep two values may nest before comparing gives up (a guard against cyclic values). */
export const MAX_COMPARE_DEPTH = 200;

/** Thrown by {@link deepEqual} when values nest deeper than {@link MAX_COMPARE_DEPTH}; the planner names the field. */
export class NestingTooDeepError extends Error {
  constructor() {
    super(`values nest deeper than ${MAX_COMPARE_DEPTH} levels (is a value cyclic?)`);
    this.name = 'NestingTooDeepError';
  }
}

/**
 * Structural equality for record values: primitives by `===` (NaN equals NaN), Dates by time,
 * arrays and typed arrays element by element, Maps and Sets by content, boxed primitives by their
 * primitive, `URL` and `URLSearchParams` by their text, plain objects (a null prototype counts as
 * plain) and other class instances (such as decimals) by prototype and own enumerable properties.
 *
 * @throws NestingTooDeepError when values nest deeper than {@link MAX_COMPARE_DEPTH} levels.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  return equalAt(a, b, 0);
}

function equalAt(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // Only NaN differs from itself.
    return a !== a && b !== b;
  }
  if (depth >= MAX_COMPARE_DEPTH) throw new NestingTooDeepError();
  const prototype: unknown = Object.getPrototypeOf(a);
  if (prototype !== Object.getPrototypeOf(b) && !(isPlainPrototype(prototype) && isPlainPrototype(Object.getPrototypeOf(b)))) return false;
  if (Array.isArray(a)) return arraysEqual(a, b as unknown[], depth);
  if (a instanceof Date) return datesEqual(a, b as Date);
  if (ArrayBuffer.isView(a)) return bytesEqual(a, b as ArrayBufferView);
  if (a instanceof Map) return mapsEqual(a, b as Map<unknown, unknown>, depth);
  if (a instanceof Set) return setsEqual(a, b as Set<unknown>, depth);
  if (a instanceof RegExp) return a.source === (b as RegExp).source && a.flags === (b as RegExp).flags;
  if (typeof URL === 'function' && a instanceof URL) return a.href === (b as URL).href;
  if (typeof URLSearchParams === 'function' && a instanceof URLSearchParams) return a.toString() === (b as URLSearchParams).toString();
  const boxed = boxedPrimitive(a);
  if (boxed !== NOT_BOXED) return equalAt(boxed, boxedPrimitive(b), depth + 1) && objectsEqual(a as Record<string, unknown>, b as Record<string, unknown>, depth);
  return objectsEqual(a as Record<string, unknown>, b as Record<string, unknown>, depth);
}

/** `Object.prototype` or `null`: the prototypes of plain objects (`Object.create(null)` included). */
function isPlainPrototype(prototype: unknown): boolean {
  return prototype === null || prototype === Object.prototype;
}

const NOT_BOXED: unique symbol = Symbol('not boxed');

/**
 * The primitive inside a boxed `Number`, `String`, `Boolean`, `BigInt` or `Symbol` object, else
 * {@link NOT_BOXED} (also for an object that only claims the tag through `Symbol.toStringTag`, on
 * which `valueOf` throws).
 */
function boxedPrimitive(value: object): unknown {
  try {
    switch (Object.prototype.toString.call(value)) {
      case '[object Number]':
        return Number.prototype.valueOf.call(value);
      case '[object String]':
        return String.prototype.valueOf.call(value);
      case '[object Boolean]':
        return Boolean.prototype.valueOf.call(value);
      case '[object BigInt]':
        return BigInt.prototype.valueOf.call(value);
      case '[object Symbol]':
        return Symbol.prototype.valueOf.call(value);
      default:
        return NOT_BOXED;
    }
  } catch {
    return NOT_BOXED;
  }
}

function arraysEqual(a: readonly unknown[], b: readonly unknown[], depth: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equalAt(a[i], b[i], depth + 1)) return false;
  return true;
}

function datesEqual(a: Date, b: Date): boolean {
  const x = a.getTime();
  const y = b.getTime();
  return x === y || (x !== x && y !== y);
}

function bytesEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function mapsEqual(a: Map<unknown, unknown>, b: Map<unknown, unknown>, depth: number): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    if (!b.has(key) || !equalAt(value, b.get(key), depth + 1)) return false;
  }
  return true;
}

function setsEqual(a: Set<unknown>, b: Set<unknown>, depth: number): boolean {
  if (a.size !== b.size) return false;
  outer: for (const value of a) {
    if (b.has(value)) continue;
    if (typeof value !== 'object' || value === null) return false;
    for (const candidate of b) if (equalAt(value, candidate, depth + 1)) continue outer;
    return false;
  }
  return true;
}

function objectsEqual(a: Record<string, unknown>, b: Record<string, unknown>, depth: number): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!equalAt(a[key], b[key], depth + 1)) return false;
  }
  return true;
}
