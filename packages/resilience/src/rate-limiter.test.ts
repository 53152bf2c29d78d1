import { ErrorCode, ManualClock } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRateLimitedError, type RateLimitedError } from './errors/rate-limited-error.js';
import { createRateLimiter } from './rate-limiter.js';

describe('token bucket', () => {
  it('allows a burst of capacity, then says when the next token arrives', async () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ kind: 'token-bucket', capacity: 3, refillPerSecond: 2, clock });
    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()].every((d) => d.allowed)).toBe(true);
    expect(limiter.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.advance(499);
    expect(limiter.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(limiter.tryAcquire().allowed).toBe(true);
    const error = await limiter.execute(() => 1).catch((e: unknown) => e as RateLimitedError);
    expect(isRateLimitedError(error)).toBe(true);
    expect((error as RateLimitedError).retryAfterMs).toBe(500);
    expect((error as RateLimitedError).message).toContain('rate limiter "rate-limiter"');
  });

  it('property: coming back after retryAfterMs always succeeds (single caller)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 400 }), permits: fc.integer({ min: 1, max: 20 }) }), { maxLength: 60 }),
        (capacity, refillPerSecond, steps) => {
          const clock = new ManualClock();
          const limiter = createRateLimiter({ kind: 'token-bucket', capacity, refillPerSecond, clock });
          for (const step of steps) {
            clock.advance(step.dt);
            const permits = Math.min(step.permits, capacity);
            const decision = limiter.tryAcquire(permits);
            if (!decision.allowed) {
              expect(decision.retryAfterMs).toBeGreaterThan(0);
              clock.advance(decision.retryAfterMs);
              expect(limiter.tryAcquire(permits).allowed).toBe(true);
            }
          }
        },
      ),
      { seed: 1234, numRuns: 300 },
    );
  });

  it('rejects impossible permit counts with a typed error', () => {
    const limiter = createRateLimiter({ kind: 'token-bucket', capacity: 2, refillPerSecond: 1, clock: new ManualClock() });
    expect(() => limiter.tryAcquire(3)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(() => limiter.tryAcquire(0.5)).toThrow(/permits must be an integer from 1 to 2/);
  });
});

describe('sliding window', () => {
  it('allows `limit` per window and says when the oldest bucket leaves', () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ kind: 'sliding-window', name: 'hubspot', limit: 3, windowMs: 1_000, bucketCount: 10, clock });
    const rejected: unknown[] = [];
    limiter.on('rejected', (e) => rejected.push(e));
    limiter.tryAcquire();
    clock.advance(250);
    limiter.tryAcquire(2);
    clock.advance(100);
    expect(limiter.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 650 }); // the bucket at 0-100 leaves at 1000
    clock.advance(649);
    expect(limiter.tryAcquire().allowed).toBe(false);
    clock.advance(1);
    expect(limiter.tryAcquire().allowed).toBe(true);
    expect(rejected).toEqual([
      { permits: 1, retryAfterMs: 650 },
      { permits: 1, retryAfterMs: 1 },
    ]);
  });

  it('retryAfterMs is exact when windowMs / bucketCount is fractional (10_000 ms in 7 buckets)', () => {
    // with a rounded bucket length, 10_000 / (10_000 / 7) = 6.999... put this permit one bucket early
    // and retryAfterMs came back 8_572 instead of 10_000
    const clock = new ManualClock(10_000);
    const limiter = createRateLimiter({ kind: 'sliding-window', limit: 1, windowMs: 10_000, bucketCount: 7, clock });
    expect(limiter.tryAcquire().allowed).toBe(true);
    expect(limiter.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 10_000 });
    clock.advance(9_999);
    expect(limiter.tryAcquire().allowed).toBe(false);
    clock.advance(1);
    expect(limiter.tryAcquire().allowed).toBe(true);
  });

  it('property: with any integer windowMs and bucketCount, retryAfterMs is never early and never late', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 30 }),
        (bucketCount, extraMs, limit, gaps) => {
          const windowMs = bucketCount + extraMs;
          const clock = new ManualClock();
          const limiter = createRateLimiter({ kind: 'sliding-window', limit, windowMs, bucketCount, clock });
          for (const [index, gap] of gaps.entries()) {
            clock.advance(gap);
            const decision = limiter.tryAcquire();
            if (decision.allowed) continue;
            // probe copies at now + retryAfterMs - 1 (still refused) and now + retryAfterMs (admitted)
            // by replaying the calls before this one, so the limiter under test is not consumed
            const at = clock.now();
            const replay = (probeAt: number): boolean => {
              const probeClock = new ManualClock();
              const probe = createRateLimiter({ kind: 'sliding-window', limit, windowMs, bucketCount, clock: probeClock });
              for (const g of gaps.slice(0, index)) {
                probeClock.advance(g);
                probe.tryAcquire();
              }
              probeClock.advance(probeAt - probeClock.now());
              return probe.tryAcquire().allowed;
            };
            expect(replay(at + decision.retryAfterMs)).toBe(true);
            if (decision.retryAfterMs > 1) expect(replay(at + decision.retryAfterMs - 1)).toBe(false);
          }
        },
      ),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('property: never more than `limit` permits in any window of bucket-aligned length, and retryAfterMs is honest', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 300 }), permits: fc.integer({ min: 1, max: 10 }) }), { maxLength: 80 }),
        (limit, bucketCount, steps) => {
          const windowMs = bucketCount * 100;
          const clock = new ManualClock();
          const limiter = createRateLimiter({ kind: 'sliding-window', limit, windowMs, bucketCount, clock });
          const granted: { at: number; permits: number }[] = [];
          for (const step of steps) {
            clock.advance(step.dt);
            const permits = Math.min(step.permits, limit);
            const decision = limiter.tryAcquire(permits);
            if (decision.allowed) granted.push({ at: clock.now(), permits });
            else {
              clock.advance(decision.retryAfterMs);
              expect(limiter.tryAcquire(permits).allowed).toBe(true);
              granted.push({ at: clock.now(), permits });
            }
            const bucket = Math.floor(clock.now() / 100);
            const inWindow = granted.filter((g) => Math.floor(g.at / 100) > bucket - bucketCount).reduce((sum, g) => sum + g.permits, 0);
            expect(inWindow).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { seed: 5678, numRuns: 300 },
    );
  });
});

describe('options', () => {
  it('invalid options -> INVALID_OPTIONS', () => {
    expect(() => createRateLimiter({ kind: 'token-bucket', capacity: 0, refillPerSecond: 1 })).toThrow(/capacity/);
    expect(() => createRateLimiter({ kind: 'token-bucket', capacity: 0.5, refillPerSecond: 1 })).toThrow(/capacity must be >= 1/);
    expect(() => createRateLimiter({ kind: 'token-bucket', capacity: 1, refillPerSecond: -1 })).toThrow(/refillPerSecond/);
    expect(() => createRateLimiter({ kind: 'sliding-window', limit: 1.5, windowMs: 10 })).toThrow(/limit/);
    expect(() => createRateLimiter({ kind: 'sliding-window', limit: 1, windowMs: 10.5 })).toThrow(/windowMs must be an integer number of ms/);
    expect(() => createRateLimiter({ kind: 'token-bucket', capacity: 5, refillPerSecond: 1, initialTokens: 6 })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS, message: expect.stringMatching(/initialTokens must be <= capacity/) as unknown }),
    );
    expect(createRateLimiter({ kind: 'token-bucket', capacity: 5, refillPerSecond: 1, initialTokens: 5, clock: new ManualClock() }).tryAcquire(5).allowed).toBe(true);
    expect(() => createRateLimiter({ kind: 'leaky' } as never)).toThrow(/kind must be/);
  });
});
