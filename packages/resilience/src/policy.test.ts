import { ErrorCode, IapError, ManualClock } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBulkhead } from './bulkhead.js';
import { createCircuitBreaker } from './circuit-breaker/circuit-breaker.js';
import { createFallback } from './fallback.js';
import { pipeline } from './pipeline.js';
import type { Policy } from './policy.js';
import { createRateLimiter } from './rate-limiter.js';
import { createRetry } from './retry/retry.js';
import { createTimeout } from './timeout.js';

/** Every policy, configured so that the contract below holds (no retries, no fallback answers). */
function policies(): Array<[string, Policy<unknown>]> {
  const clock = new ManualClock();
  return [
    ['circuit breaker', createCircuitBreaker({ clock })],
    ['circuit breaker (timed)', createCircuitBreaker({ clock, window: { kind: 'time', durationMs: 1_000 }, slowCallDurationMs: 100 })],
    ['retry', createRetry({ clock, shouldRetry: () => false })],
    ['timeout', createTimeout({ clock, timeoutMs: 1_000 })],
    ['bulkhead', createBulkhead({ clock, maxConcurrent: 2 })],
    ['rate limiter', createRateLimiter({ kind: 'token-bucket', clock, capacity: 1_000, refillPerSecond: 1 })],
    ['fallback', createFallback({ value: 'fallback', shouldHandle: () => false })],
    ['pipeline', pipeline(createRetry({ clock, shouldRetry: () => false }), createCircuitBreaker({ clock }), createTimeout({ clock, timeoutMs: 1_000 }))],
  ];
}

describe.each(policies())('the Policy contract: %s', (_name, policy) => {
  it('returns the value and rethrows the error of the call unchanged, sync or async', async () => {
    const error = new Error('downstream');
    await expect(policy.execute(() => 1)).resolves.toBe(1);
    await expect(policy.execute(() => Promise.resolve('async'))).resolves.toBe('async');
    await expect(policy.execute(() => Promise.reject(error))).rejects.toBe(error);
    await expect(
      policy.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
  });

  it('passes the typed data through', async () => {
    await expect(policy.execute(({ data }) => data.id * 2, { signal: undefined, data: { id: 21 } })).resolves.toBe(42);
  });

  it('bad input yields a typed rejection, never a synchronous throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string(), fc.object()), async (notAFunction) => {
        let promise: Promise<unknown> | undefined;
        expect(() => {
          promise = policy.execute(notAFunction as never);
        }).not.toThrow();
        const error: unknown = await promise!.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(IapError.isInstance(error) && error.code === ErrorCode.INVALID_OPTIONS).toBe(true);
      }),
      { seed: 11, numRuns: 25 },
    );
  });
});

it('a programming error is not counted against the dependency', async () => {
  const breaker = createCircuitBreaker({ clock: new ManualClock(), consecutiveFailures: 1 });
  await expect(breaker.execute(undefined as never)).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
  expect(breaker.stats()).toMatchObject({ state: 'closed', failures: 0 });
});
