import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketWindow, checkBucketWindow } from './bucket-window.js';

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

/** Exact reference: bucket of whole ms `t` = floor(t * bucketCount / durationMs), in BigInt. */
function exactEpoch(t: number, durationMs: number, bucketCount: number): number {
  return Number((BigInt(t) * BigInt(bucketCount)) / BigInt(durationMs));
}

/** Exact reference: first whole ms of bucket `epoch` = ceil(epoch * durationMs / bucketCount), in BigInt. */
function exactStart(epoch: number, durationMs: number, bucketCount: number): number {
  const n = BigInt(epoch) * BigInt(durationMs);
  const b = BigInt(bucketCount);
  return Number((n + b - 1n) / b);
}

/** Window shapes whose bucket length is usually fractional (durationMs not a multiple of bucketCount). */
const fractionalShape = fc
  .record({ bucketCount: fc.integer({ min: 1, max: 64 }), extraMs: fc.integer({ min: 0, max: 5_000 }) })
  .map(({ bucketCount, extraMs }) => ({ bucketCount, durationMs: bucketCount + extraMs }));

describe('BucketWindow: exact bucket bounds when durationMs / bucketCount is fractional', () => {
  it('puts every whole millisecond in bucket floor(t * bucketCount / durationMs), also at wall-clock magnitudes', () => {
    fc.assert(
      fc.property(fractionalShape, fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 })), ({ durationMs, bucketCount }, t) => {
        const window = new BucketWindow(durationMs, bucketCount, 1);
        const epoch = exactEpoch(t, durationMs, bucketCount);
        expect(window.epochOf(t)).toBe(epoch);
        expect(window.epochOf(t + 0.5)).toBe(epoch); // a fractional instant belongs to its whole millisecond
        expect(window.startOf(epoch)).toBe(exactStart(epoch, durationMs, bucketCount));
        expect(window.startOf(epoch)).toBeLessThanOrEqual(t);
        expect(window.startOf(epoch + 1)).toBeGreaterThan(t);
        window.add(t, 0);
        expect(window.toJSON().headEpoch).toBe(epoch);
        expect(window.headEndMs).toBe(exactStart(epoch + 1, durationMs, bucketCount));
      }),
      { seed: 1818, numRuns: 2_000 },
    );
  });

  it('msUntilTotalAtMost is exact: the total fits at now + wait and not one millisecond before', () => {
    fc.assert(
      fc.property(fractionalShape, fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 5 }), ({ durationMs, bucketCount }, gaps, target) => {
        const window = new BucketWindow(durationMs, bucketCount, 1);
        const times: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          window.add(now, 0);
          times.push(now);
        }
        // the reference: an event leaves when the exact bucket `bucketCount` after its own starts
        const inWindowAt = (at: number): number => {
          const head = exactEpoch(at, durationMs, bucketCount);
          return times.filter((t) => exactEpoch(t, durationMs, bucketCount) > head - bucketCount).length;
        };
        const wait = window.msUntilTotalAtMost(now, 0, target);
        expect(Number.isInteger(wait)).toBe(true);
        expect(inWindowAt(now + wait)).toBeLessThanOrEqual(target);
        if (wait > 0) expect(inWindowAt(now + wait - 1)).toBeGreaterThan(target);
      }),
      { seed: 1819, numRuns: 1_000 },
    );
  });

  it('refuses shapes it cannot compute exactly', () => {
    expect(() => checkBucketWindow('test', 'windowMs', 1000.5, 'bucketCount', 10)).toThrow(/windowMs must be an integer number of ms >= 1/);
    expect(() => checkBucketWindow('test', 'windowMs', 1000, 'bucketCount', 2.5)).toThrow(/bucketCount must be an integer >= 1/);
    expect(() => checkBucketWindow('test', 'windowMs', 5, 'bucketCount', 10)).toThrow(/windowMs \/ bucketCount must be >= 1 ms/);
    expect(() => checkBucketWindow('test', 'windowMs', 2 ** 40, 'bucketCount', 2 ** 14)).toThrow(/windowMs \* bucketCount must be <= Number.MAX_SAFE_INTEGER/);
    expect(() => checkBucketWindow('test', 'windowMs', 1000, 'bucketCount', 7)).not.toThrow();
  });
});
