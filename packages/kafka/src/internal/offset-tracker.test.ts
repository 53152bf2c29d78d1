import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetTracker, nextOffset, previousOffset } from './offset-tracker.js';

describe('OffsetTracker', () => {
  it('commits only the contiguous completed prefix', () => {
    const tracker = new OffsetTracker(['10', '11', '13', '14']);
    expect(tracker.committableOffset()).toBeUndefined();
    tracker.complete(1);
    tracker.complete(3);
    expect(tracker.committableOffset()).toBeUndefined();
    tracker.complete(0);
    expect(tracker.committableOffset()).toBe('13');
    expect(tracker.completedAhead()).toEqual(['14']);
    tracker.complete(2);
    expect(tracker.committableOffset()).toBe('15');
    expect(tracker.completedAhead()).toEqual([]);
  });

  it('never lets the commit point pass an incomplete record (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.func(fc.boolean()),
        (gaps, start, keep) => {
          const offsets: string[] = [];
          let offset = start;
          for (const gap of gaps) offsets.push(String((offset += gap)));
          const tracker = new OffsetTracker(offsets);
          const order = offsets.map((_, i) => i).filter((i) => keep(i));
          for (const index of order) {
            tracker.complete(index);
            const committable = tracker.committableOffset();
            const firstIncomplete = offsets.findIndex((_, i) => !tracker.isComplete(i));
            if (firstIncomplete === 0) expect(committable).toBeUndefined();
            else if (firstIncomplete === -1) expect(committable).toBe(String(Number(offsets.at(-1)) + 1));
            else expect(committable).toBe(offsets[firstIncomplete]);
            // everything below the commit point is complete
            const limit = committable === undefined ? -Infinity : Number(committable);
            offsets.forEach((o, i) => {
              if (Number(o) < limit) expect(tracker.isComplete(i)).toBe(true);
            });
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('rejects indexes outside the batch', () => {
    expect(() => new OffsetTracker(['1']).complete(1)).toThrow(RangeError);
  });
});

describe('offset arithmetic', () => {
  it('works beyond 2^53 with bigint fallbacks', () => {
    expect(nextOffset('41')).toBe('42');
    expect(previousOffset('42')).toBe('41');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
    expect(previousOffset('9223372036854775807')).toBe('9223372036854775806');
  });
});
