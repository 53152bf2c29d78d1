import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepEqual, MAX_COMPARE_DEPTH, NestingTooDeepError } from './deep-equal.js';

class Decimal {
  constructor(readonly digits: string) {}
}

describe('deepEqual', () => {
  it.each([
    ['equal primitives', 1, 1, true],
    ['URLs with different paths', new URL('https://a.example/x'), new URL('https://a.example/y'), false],
    ['equal URLs', new URL('https://a.example/x?q=1'), new URL('https://a.example/x?q=1'), true],
    ['URLSearchParams with different entries', new URLSearchParams('a=1'), new URLSearchParams('a=2'), false],
    ['boxed numbers', Object(1) as unknown, Object(2) as unknown, false],
    ['equal boxed numbers', Object(1) as unknown, Object(1) as unknown, true],
    ['boxed booleans', Object(true) as unknown, Object(false) as unknown, false],
    ['boxed strings', Object('a') as unknown, Object('b') as unknown, false],
    ['boxed bigints', Object(1n) as unknown, Object(2n) as unknown, false],
    ['a boxed number and a number', Object(1) as unknown, 1, false],
    ['a null-prototype object and an equal plain object', Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }, true],
    ['a plain object and an equal null-prototype object', { a: 1 }, Object.assign(Object.create(null) as object, { a: 1 }), true],
    ['a null-prototype object and a different plain object', Object.assign(Object.create(null) as object, { a: 1 }), { a: 2 }, false],
    ['an object faking a Number tag', { [Symbol.toStringTag]: 'Number' }, { [Symbol.toStringTag]: 'Number' }, true],
    ['NaN and NaN', Number.NaN, Number.NaN, true],
    ['0 and -0', 0, -0, true],
    ['different primitives', 1, '1', false],
    ['null and undefined', null, undefined, false],
    ['equal arrays', [1, [2, { a: 3 }]], [1, [2, { a: 3 }]], true],
    ['arrays of different length', [1, 2], [1], false],
    ['an array and an object', [1], { 0: 1 }, false],
    ['equal objects in another key order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['objects with different keys', { a: 1 }, { b: 1 }, false],
    ['an explicit undefined and a missing key', { a: undefined }, {}, false],
    ['equal dates', new Date(5), new Date(5), true],
    ['different dates', new Date(5), new Date(6), false],
    ['invalid dates', new Date(Number.NaN), new Date(Number.NaN), true],
    ['equal bytes', new Uint8Array([1, 2]), new Uint8Array([1, 2]), true],
    ['different bytes', new Uint8Array([1, 2]), new Uint8Array([1, 3]), false],
    ['bytes of different length', new Uint8Array([1]), new Uint8Array([1, 0]), false],
    ['equal maps', new Map([['a', { x: 1 }]]), new Map([['a', { x: 1 }]]), true],
    ['maps with different values', new Map([['a', 1]]), new Map([['a', 2]]), false],
    ['maps with different keys', new Map([['a', 1]]), new Map([['b', 1]]), false],
    ['equal sets of objects', new Set([{ a: 1 }, 2]), new Set([2, { a: 1 }]), true],
    ['different sets', new Set([1, 2]), new Set([1, 3]), false],
    ['sets with different objects', new Set([{ a: 1 }]), new Set([{ a: 2 }]), false],
    ['equal regular expressions', /a/g, /a/g, true],
    ['different flags', /a/g, /a/i, false],
    ['equal class instances', new Decimal('1.10'), new Decimal('1.10'), true],
    ['different class instances', new Decimal('1.10'), new Decimal('1.1'), false],
    ['a class instance and a plain object', new Decimal('1'), { digits: '1' }, false],
  ])('%s', (_label, a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
    expect(deepEqual(b, a)).toBe(expected);
  });

  it('gives up on values nested too deep (cyclic values)', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    const b: Record<string, unknown> = {};
    b.self = b;
    expect(() => deepEqual(a, b)).toThrow(NestingTooDeepError);
    let deep: unknown = 1;
    for (let i = 0; i < MAX_COMPARE_DEPTH - 1; i++) deep = [deep];
    expect(deepEqual(deep, structuredClone(deep))).toBe(true);
  });

  it('agrees with structural cloning (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(deepEqual(value, structuredClone(value))).toBe(true);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('is symmetric (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), (a, b) => {
        expect(deepEqual(a, b)).toBe(deepEqual(b, a));
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});
