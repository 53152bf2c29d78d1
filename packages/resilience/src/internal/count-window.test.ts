import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountWindow, FAILURE_BIT, SLOW_BIT } from './count-window.js';

describe('CountWindow', () => {
  it('keeps totals equal to a naive recount of the last `size` outcomes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 200 }), (size, outcomes) => {
        const window = new CountWindow(size);
        for (const bits of outcomes) window.record(bits);
        const last = outcomes.slice(-size);
        expect(window.calls).toBe(last.length);
        expect(window.failures).toBe(last.filter((b) => b & FAILURE_BIT).length);
        expect(window.slowCalls).toBe(last.filter((b) => b & SLOW_BIT).length);
        expect(window.toArray()).toEqual(last);
      }),
      { seed: 20261126, numRuns: 300 },
    );
  });

  it('round-trips through toArray/load, keeping only the newest `size` entries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 }), (size, outcomes) => {
        const restored = new CountWindow(size);
        restored.load(outcomes);
        const reference = new CountWindow(size);
        for (const bits of outcomes) reference.record(bits);
        expect(restored.toArray()).toEqual(reference.toArray());
        expect([restored.calls, restored.failures, restored.slowCalls]).toEqual([reference.calls, reference.failures, reference.slowCalls]);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('reset empties it', () => {
    const window = new CountWindow(3);
    window.record(FAILURE_BIT | SLOW_BIT);
    window.reset();
    expect([window.calls, window.failures, window.slowCalls]).toEqual([0, 0, 0]);
    expect(window.toArray()).toEqual([]);
  });
});
