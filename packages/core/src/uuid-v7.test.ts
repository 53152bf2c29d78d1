import { describe, expect, it } from 'vitest';
import { uuidv7, uuidv7Timestamp } from './uuid-v7.js';
import { isValidationError, type ValidationError } from './validation-error.js';

describe('uuidv7', () => {
  it('has the RFC 9562 layout and embeds the timestamp', () => {
    const id = uuidv7(Date.UTC(2026, 10, 26));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Timestamp(id)).toBe(Date.UTC(2026, 10, 26));
    expect(uuidv7Timestamp('not-a-uuid')).toBeUndefined();
  });

  it('is strictly increasing within one millisecond and when the clock goes backwards', () => {
    const ms = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 10_000 }, (_, i) => uuidv7(i === 5000 ? ms - 10 : ms));
    const sorted = [...ids].sort();
    expect(ids).toEqual(sorted);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ['2^48', 2 ** 48],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a negative time', -1],
  ])('rejects %s with a ValidationError and stays monotonic', (_name, nowMs) => {
    const ms = Date.UTC(2031, 0, 1);
    const before = uuidv7(ms);
    let thrown: unknown;
    try {
      uuidv7(nowMs);
    } catch (error) {
      thrown = error;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect((thrown as ValidationError).issues[0]?.path).toEqual(['nowMs']);
    const after = uuidv7(ms);
    expect(after > before).toBe(true);
    expect(uuidv7Timestamp(after)).toBe(ms);
  });
});
