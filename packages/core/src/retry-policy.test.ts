import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './random-source.js';
import { baseRetryDelay, computeRetryDelay, createRetryPolicy, type Backoff, type Jitter } from './retry-policy.js';

const backoffArb: fc.Arbitrary<Backoff> = fc.oneof(
  fc.record({ kind: fc.constant('constant' as const), delayMs: fc.integer({ min: 0, max: 60_000 }) }),
  fc.record({ kind: fc.constant('linear' as const), initialDelayMs: fc.integer({ min: 0, max: 10_000 }), incrementMs: fc.integer({ min: 0, max: 10_000 }) }),
  fc.record({ kind: fc.constant('exponential' as const), initialDelayMs: fc.integer({ min: 0, max: 10_000 }), multiplier: fc.double({ min: 1, max: 10, noNaN: true }) }),
);
const jitterArb = fc.constantFrom<Jitter>('none', 'full', 'equal', 'decorrelated');

describe('createRetryPolicy', () => {
  it('resolves documented defaults', () => {
    expect(createRetryPolicy()).toEqual({
      maxAttempts: 5,
      backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 },
      maxDelayMs: 30_000,
      maxElapsedMs: Number.POSITIVE_INFINITY,
      jitter: 'full',
    });
  });

  it.each([
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 1.5 }, 'maxAttempts'],
    [{ maxDelayMs: -1 }, 'maxDelayMs'],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, 'maxDelayMs must be finite'],
    [{ maxElapsedMs: Number.NaN }, 'maxElapsedMs'],
    [{ backoff: { kind: 'exponential', initialDelayMs: 10, multiplier: 0.5 } }, 'multiplier'],
    [{ backoff: { kind: 'constant', delayMs: -5 } }, 'delayMs'],
    [{ jitter: 'random' }, 'jitter'],
  ] as const)('rejects %o naming %s', (options, name) => {
    expect(() => createRetryPolicy(options as never)).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining(name) }));
  });
});

describe('baseRetryDelay', () => {
  it('computes constant, linear and exponential delays with the cap', () => {
    expect(baseRetryDelay(createRetryPolicy({ backoff: { kind: 'constant', delayMs: 70 } }), 9)).toBe(70);
    expect(baseRetryDelay(createRetryPolicy({ backoff: { kind: 'linear', initialDelayMs: 100, incrementMs: 50 } }), 3)).toBe(200);
    const exp = createRetryPolicy({ backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5].map((a) => baseRetryDelay(exp, a))).toEqual([100, 200, 400, 800, 1000]);
    expect(baseRetryDelay(exp, 5000)).toBe(1000);
  });
});

describe('computeRetryDelay', () => {
  it('stops at maxAttempts', () => {
    const policy = createRetryPolicy({ maxAttempts: 3, jitter: 'none' });
    expect(computeRetryDelay(policy, { attempt: 2 })).toEqual({ retry: true, delayMs: 200, fromRetryAfter: false });
    expect(computeRetryDelay(policy, { attempt: 3 })).toEqual({ retry: false, reason: 'max_attempts' });
  });

  it('stops when the next attempt would start after maxElapsedMs', () => {
    const policy = createRetryPolicy({ maxAttempts: 10, jitter: 'none', maxElapsedMs: 1000 });
    expect(computeRetryDelay(policy, { attempt: 1, elapsedMs: 850 })).toEqual({ retry: true, delayMs: 100, fromRetryAfter: false });
    expect(computeRetryDelay(policy, { attempt: 1, elapsedMs: 950 })).toEqual({ retry: false, reason: 'max_elapsed' });
  });

  it('uses a Retry-After hint inside the caps and refuses one outside', () => {
    const policy = createRetryPolicy({ maxAttempts: 5, maxDelayMs: 5000, maxElapsedMs: 10_000 });
    expect(computeRetryDelay(policy, { attempt: 1, retryAfterMs: 3000 })).toEqual({ retry: true, delayMs: 3000, fromRetryAfter: true });
    expect(computeRetryDelay(policy, { attempt: 1, retryAfterMs: 6000 })).toEqual({ retry: false, reason: 'retry_after_exceeds_caps' });
    expect(computeRetryDelay(policy, { attempt: 1, elapsedMs: 8000, retryAfterMs: 3000 })).toEqual({ retry: false, reason: 'retry_after_exceeds_caps' });
  });

  it('is deterministic for a seeded random source', () => {
    const policy = createRetryPolicy({ jitter: 'full' });
    const a = computeRetryDelay(policy, { attempt: 2, random: seededRandom(7) });
    const b = computeRetryDelay(policy, { attempt: 2, random: seededRandom(7) });
    expect(a).toEqual(b);
  });

  it('property: every delay is within [0, maxDelayMs] and within the jitter bounds of the base delay', () => {
    fc.assert(
      fc.property(
        backoffArb,
        jitterArb,
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
        (backoff, jitter, maxDelayMs, attempt, seed, previousDelayMs) => {
          const policy = createRetryPolicy({ backoff, jitter, maxDelayMs, maxAttempts: 100 });
          const decision = computeRetryDelay(policy, { attempt, random: seededRandom(seed), ...(previousDelayMs === undefined ? {} : { previousDelayMs }) });
          if (!decision.retry) return false;
          const base = baseRetryDelay(policy, attempt);
          expect(decision.delayMs).toBeGreaterThanOrEqual(0);
          expect(decision.delayMs).toBeLessThanOrEqual(maxDelayMs);
          if (jitter === 'none') expect(decision.delayMs).toBe(base);
          if (jitter === 'full') expect(decision.delayMs).toBeLessThanOrEqual(base);
          if (jitter === 'equal') {
            expect(decision.delayMs).toBeGreaterThanOrEqual(base / 2);
            expect(decision.delayMs).toBeLessThanOrEqual(base);
          }
          return true;
        },
      ),
      { seed: 20261126, numRuns: 2000 },
    );
  });

  it('property: exponential base delays never decrease with the attempt number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 1, max: 4, noNaN: true }), fc.integer({ min: 1, max: 60 }), (initialDelayMs, multiplier, attempt) => {
        const policy = createRetryPolicy({ backoff: { kind: 'exponential', initialDelayMs, multiplier }, maxDelayMs: 60_000 });
        expect(baseRetryDelay(policy, attempt + 1)).toBeGreaterThanOrEqual(baseRetryDelay(policy, attempt));
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('property: the sum of all delays a policy allows never exceeds maxElapsedMs', () => {
    fc.assert(
      fc.property(backoffArb, jitterArb, fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 2 ** 31 }), (backoff, jitter, maxElapsedMs, seed) => {
        const policy = createRetryPolicy({ backoff, jitter, maxElapsedMs, maxAttempts: 50, maxDelayMs: 20_000 });
        const random = seededRandom(seed);
        let elapsed = 0;
        let previous: number | undefined;
        for (let attempt = 1; ; attempt++) {
          const d = computeRetryDelay(policy, { attempt, elapsedMs: elapsed, random, ...(previous === undefined ? {} : { previousDelayMs: previous }) });
          if (!d.retry) break;
          elapsed += d.delayMs;
          previous = d.delayMs;
        }
        expect(elapsed).toBeLessThanOrEqual(maxElapsedMs);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
