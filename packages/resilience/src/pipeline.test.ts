import { ErrorCode, ManualClock, flushMicrotasks } from '@iap/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { settle } from './__fixtures__/deferred.js';
import { createBulkhead } from './bulkhead.js';
import { createCircuitBreaker } from './circuit-breaker/circuit-breaker.js';
import { isCircuitOpenError } from './errors/circuit-open-error.js';
import { isRetryExhaustedError } from './errors/retry-exhausted-error.js';
import { isTimeoutError } from './errors/timeout-error.js';
import { createFallback } from './fallback.js';
import { pipeline } from './pipeline.js';
import type { ExecutionContext, Policy } from './policy.js';
import { createRetry } from './retry/retry.js';
import { createTimeout } from './timeout.js';

/** A policy that records when it is entered and left. */
function tracer(name: string, log: string[]): Policy {
  const policy = {
    async execute<T, TData>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<T> {
      log.push(`${name}>`);
      try {
        return await fn(context ?? ({ signal: undefined, data: undefined } as ExecutionContext<TData>));
      } finally {
        log.push(`<${name}`);
      }
    },
  };
  return policy;
}

describe('pipeline', () => {
  it('runs the first policy outermost', async () => {
    const log: string[] = [];
    const composed = pipeline(tracer('a', log), tracer('b', log), tracer('c', log));
    await composed.execute(() => log.push('call'));
    expect(log).toEqual(['a>', 'b>', 'c>', 'call', '<c', '<b', '<a']);
    expect(composed.policies).toHaveLength(3);
  });

  it('passes the typed data through every layer and the timeout signal to the callee', async () => {
    const clock = new ManualClock();
    const composed = pipeline(createRetry({ clock, maxAttempts: 2 }), createCircuitBreaker({ clock }), createTimeout({ timeoutMs: 100, clock }));
    const parent = new AbortController();
    const result = await composed.execute(
      ({ signal, data }) => {
        expect(signal).toBeInstanceOf(AbortSignal);
        expect(signal).not.toBe(parent.signal); // the timeout's own, linked to the caller's
        return data.accountId.toUpperCase();
      },
      { signal: parent.signal, data: { accountId: 'acc-42' } },
    );
    expect(result).toBe('ACC-42');
  });

  it('retry sees breaker rejections and timeouts; the breaker counts each attempt; fallback answers last', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 2, openDurationMs: 60_000 });
    const retrying = createRetry({ clock, maxAttempts: 3, backoff: { kind: 'constant', delayMs: 10 }, jitter: 'none' });
    const composed = pipeline(createFallback({ fallback: (error) => (isRetryExhaustedError(error) && isCircuitOpenError(error.cause) ? 'stale cache' : 'other') }), retrying, breaker, createTimeout({ timeoutMs: 50, strategy: 'aggressive', clock }));
    expectTypeOf(composed.execute(() => 1)).resolves.toEqualTypeOf<number | 'stale cache' | 'other'>(); // the fallback's values join the result type
    let calls = 0;
    const call = settle(
      composed.execute(() => {
        calls++;
        return new Promise<number>(() => {}); // hangs: every attempt times out
      }),
    );
    await clock.advanceAsync(50); // attempt 1 times out
    await clock.advanceAsync(10);
    await clock.advanceAsync(50); // attempt 2 times out: breaker opens
    await clock.advanceAsync(10); // attempt 3 rejected by the open breaker; its Retry-After (60 s) exceeds maxDelayMs: retry gives up
    await flushMicrotasks();
    expect(await call).toEqual({ ok: true, value: 'stale cache' });
    expect(calls).toBe(2);
    expect(breaker.stats()).toMatchObject({ state: 'open', failures: 2, rejected: 1 });
  });

  it('a bulkhead inside a timeout frees its slot when the timeout gives up', async () => {
    const clock = new ManualClock();
    const bulkhead = createBulkhead({ maxConcurrent: 1, clock });
    const composed = pipeline(createTimeout({ timeoutMs: 10, clock }), bulkhead);
    const call = settle(composed.execute(({ signal }) => new Promise<never>((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason as Error)))));
    clock.advance(10);
    expect(isTimeoutError(((await call) as { error: unknown }).error)).toBe(true);
    expect(bulkhead.stats().active).toBe(0);
  });

  it('refuses an empty pipeline or a non-policy', () => {
    expect(() => pipeline()).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(() => pipeline(createRetry(), {} as never)).toThrow(/argument 1 is not a policy/);
  });
});
