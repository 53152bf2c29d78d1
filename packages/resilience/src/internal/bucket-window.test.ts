import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketWindow } from './bucket-window.js';

/** The reference model: keep every event with its time, sum those whose bucket is in the window. */
function naiveTotal(events: { at: number; metric: number; amount: number }[], now: number, bucketMs: number, bucketCount: number, metric: number): number {
  const headEpoch = Math.max(Math.floor(now / bucketMs), ...events.map((e) => Math.floor(e.at / bucketMs)));
  return events
    .filter((e) => e.metric === metric && Math.floor(e.at / bucketMs) > headEpoch - bucketCount)
    .reduce((sum, e) => sum + e.amount, 0);
}

const steps = fc.array(
  fc.record({ dt: fc.integer({ min: 0, max: 700 }), metric: fc.integer({ min: 0, max: 1 }), amount: fc.integer({ min: 1, max: 3 }) }),
  { maxLength: 150 },
);

describe('BucketWindow', () => {
  it('totals match a naive recount of events inside the window (monotonic clock)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 250 }), steps, (bucketCount, bucketMs, input) => {
        const window = new BucketWindow(bucketMs * bucketCount, bucketCount, 2);
        const events: { at: number; metric: number; amount: number }[] = [];
        let now = 0;
        for (const step of input) {
          now += step.dt;
          window.add(now, step.metric, step.amount);
          events.push({ at: now, metric: step.metric, amount: step.amount });
          expect(window.total(0)).toBe(naiveTotal(events, now, bucketMs, bucketCount, 0));
          expect(window.total(1)).toBe(naiveTotal(events, now, bucketMs, bucketCount, 1));
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('msUntilTotalAtMost gives the first moment the total fits, never earlier', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 100 }), steps, fc.integer({ min: 0, max: 20 }), (bucketCount, bucketMs, input, target) => {
        const window = new BucketWindow(bucketMs * bucketCount, bucketCount, 2);
        let now = 0;
        for (const step of input) {
          now += step.dt;
          window.add(now, 0, step.amount);
        }
        const wait = window.msUntilTotalAtMost(now, 0, target);
        expect(Number.isFinite(wait)).toBe(true);
        const probe = new BucketWindow(bucketMs * bucketCount, bucketCount, 2);
        probe.load(window.toJSON().headEpoch, window.toJSON().buckets);
        probe.advance(now + wait);
        expect(probe.total(0)).toBeLessThanOrEqual(target);
        if (wait > 0) {
          const before = new BucketWindow(bucketMs * bucketCount, bucketCount, 2);
          before.load(window.toJSON().headEpoch, window.toJSON().buckets);
          before.advance(now + wait - 1);
          expect(before.total(0)).toBeGreaterThan(target);
        }
      }),
      { seed: 99, numRuns: 300 },
    );
  });

  it('a clock that goes back records into the newest bucket', () => {
    const window = new BucketWindow(1000, 10, 1);
    window.add(5_000, 0);
    window.add(4_000, 0);
    expect(window.total(0)).toBe(2);
    window.advance(5_950);
    expect(window.total(0)).toBe(2);
    window.advance(15_000);
    expect(window.total(0)).toBe(0);
  });

  it('round-trips through toJSON/load', () => {
    const window = new BucketWindow(1000, 4, 2);
    window.add(100, 0, 2);
    window.add(400, 1, 1);
    window.add(900, 0, 5);
    const copy = new BucketWindow(1000, 4, 2);
    const json = window.toJSON();
    copy.load(json.headEpoch, json.buckets);
    expect([copy.total(0), copy.total(1)]).toEqual([7, 1]);
    expect(copy.toJSON()).toEqual(json);
    copy.load(json.headEpoch, json.buckets.slice(1)); // wrong shape: ignored
    expect(copy.total(0)).toBe(0);
  });
});
