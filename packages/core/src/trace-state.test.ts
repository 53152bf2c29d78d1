import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTracestate, parseTracestate, TRACESTATE_MAX_MEMBERS } from './trace-state.js';
import { isValidationError, type ValidationError } from './validation-error.js';

const keyArb = fc.oneof(fc.stringMatching(/^[a-z][_0-9a-z\-*/]{0,20}$/), fc.stringMatching(/^[0-9a-z][_0-9a-z\-*/]{0,10}@[a-z][_0-9a-z\-*/]{0,13}$/));
const valueArb = fc.stringMatching(/^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,30}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/);

describe('tracestate', () => {
  it('property: format then parse gives the members back', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ key: keyArb, value: valueArb }), { selector: (member) => member.key, maxLength: TRACESTATE_MAX_MEMBERS }), (members) => {
        expect(parseTracestate(formatTracestate(members))).toEqual(members);
      }),
      { seed: 18, numRuns: 500 },
    );
  });

  it('property: parse never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })), (header) => {
        const members = parseTracestate(header);
        if (members !== undefined) expect(parseTracestate(formatTracestate(members))).toEqual(members);
      }),
      { seed: 19, numRuns: 1000 },
    );
  });

  it.each([
    [[{ key: 'FOO', value: '1' }], 'invalid key'],
    [[{ key: 'foo', value: '' }], 'invalid value'],
    [[{ key: 'foo', value: 'a,b' }], 'invalid value'],
    [[{ key: ' foo', value: '1' }], 'invalid key'],
    [[{ key: 'foo', value: '1' }, { key: 'foo', value: '2' }], 'repeats the key'],
    [Array.from({ length: 33 }, (_, i) => ({ key: `k${i}`, value: '1' })), 'more than 32'],
  ])('formatTracestate refuses %#: %s', (members, problem) => {
    let thrown: unknown;
    try {
      formatTracestate(members);
    } catch (error) {
      thrown = error;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect((thrown as ValidationError).issues[0]?.message).toContain(problem);
    expect((thrown as Error).message).not.toContain('a,b');
  });

  it('ignores what is not a header', () => {
    expect(parseTracestate(undefined)).toBeUndefined();
    expect(parseTracestate(null)).toBeUndefined();
    expect(parseTracestate([1] as never)).toBeUndefined();
  });
});
