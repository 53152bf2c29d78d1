import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, IapError, ManualClock, flushMicrotasks, seededRandom } from '@iap/core';
import { describe, expect, it, vi } from 'vitest';
import { settle } from '../__fixtures__/deferred.js';
import { NonRetriableError } from '../errors/non-retriable-error.js';
import { isRetryBudgetExhaustedError, type RetryBudgetExhaustedError } from '../errors/retry-budget-exhausted-error.js';
import { isRetryExhaustedError, type RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { createRetryBudget } from './retry-budget.js';
import { createRetry, retry, type RetryEvents } from './retry.js';

/** A callee that fails `failures` times (error i is `Error('fail i')`), then returns `value`. */
function flaky<T>(failures: number, value: T, make: (i: number) => Error = (i) => new Error(`fail ${i}`)) {
  let calls = 0;
  const fn = vi.fn(() => {
    calls++;
    return calls <= failures ? Promise.reject(make(calls)) : Promise.resolve(value);
  });
  return fn;
}

/** Runs a retried call to completion on a manual clock, advancing time until it settles. */
async function runToEnd<T>(clock: ManualClock, promise: Promise<T>, stepMs = 50, maxSteps = 1_000) {
  const result = settle(promise);
  let done = false;
  void result.then(() => (done = true));
  for (let i = 0; i < maxSteps && !done; i++) await clock.advanceAsync(stepMs);
  return result;
}

describe('createRetry', () => {
  it('returns the first success without waiting or scheduling anything', async () => {
    const clock = new ManualClock();
    const policy = createRetry({ clock });
    await expect(policy.execute(() => 42)).resolves.toBe(42);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries with core backoff until success, sleeping on the clock between attempts', async () => {
    const clock = new ManualClock();
    const policy = createRetry({ clock, maxAttempts: 5, backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, jitter: 'none' });
    const retries: RetryEvents['retry'][] = [];
    policy.on('retry', (e) => retries.push(e));
    const fn = flaky(3, 'done');
    const call = settle(policy.execute(fn));
    await flushMicrotasks();
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advanceAsync(99);
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advanceAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await clock.advanceAsync(200);
    await clock.advanceAsync(400);
    await expect(call).resolves.toEqual({ ok: true, value: 'done' });
    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 100],
      [2, 200],
      [3, 400],
    ]);
  });

  it('RetryExhaustedError keeps every attempt error in order', async () => {
    const clock = new ManualClock();
    const policy = createRetry({ clock, maxAttempts: 3, backoff: { kind: 'constant', delayMs: 10 }, jitter: 'none' });
    const giveUps: RetryEvents['giveUp'][] = [];
    policy.on('giveUp', (e) => giveUps.push(e));
    const result = await runToEnd(clock, policy.execute(flaky(10, 'never')), 10);
    const error = (result as { error: RetryExhaustedError }).error;
    expect(isRetryExhaustedError(error)).toBe(true);
    expect(error.attempts).toBe(3);
    expect(error.reason).toBe('max_attempts');
    expect(error.errors.map((e) => (e as Error).message)).toEqual(['fail 1', 'fail 2', 'fail 3']);
    expect(error.cause).toBe(error.errors[2]);
    expect(giveUps).toEqual([{ attempts: 3, reason: 'max_attempts', error: error.errors[2] }]);
  });

  it('stops at once on NonRetriableError, on IapErrors marked not retryable and when shouldRetry says no', async () => {
    const clock = new ManualClock();
    const nonRetriable = new NonRetriableError('HTTP 422: the CRM rejected the payload', { cause: new Error('body') });
    const policy = createRetry({ clock, shouldRetry: () => true });
    await expect(policy.execute(() => Promise.reject(nonRetriable))).rejects.toBe(nonRetriable); // wins over shouldRetry
    const defaults = createRetry({ clock });
    const validation = new IapError(ErrorCode.VALIDATION, 'bad');
    await expect(defaults.execute(() => Promise.reject(validation))).rejects.toBe(validation);
    const picky = createRetry({ clock, shouldRetry: (error) => (error as Error).message !== 'fatal' });
    const fn = flaky(1, 'x', () => new Error('fatal'));
    await expect(picky.execute(fn)).rejects.toThrow('fatal');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses a Retry-After hint from the error, and gives up when the hint exceeds the caps', async () => {
    const clock = new ManualClock();
    const policy = createRetry({ clock, maxAttempts: 3, maxDelayMs: 5_000, jitter: 'none' });
    const fn = flaky(1, 'ok', () => Object.assign(new Error('429'), { retryAfterMs: 1_234 }));
    const call = settle(policy.execute(fn));
    await clock.advanceAsync(1_233);
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advanceAsync(1);
    await expect(call).resolves.toEqual({ ok: true, value: 'ok' });

    const tooLong = await settle(policy.execute(flaky(1, 'ok', () => Object.assign(new Error('429'), { retryAfterMs: 60_000 }))));
    expect((tooLong as { error: RetryExhaustedError }).error.reason).toBe('retry_after_exceeds_caps');
    expect((tooLong as { error: RetryExhaustedError }).error.retryAfterMs).toBe(60_000);

    const custom = createRetry({ clock, jitter: 'none', readRetryAfter: (e) => ((e as Error).message === 'busy' ? 7 : undefined) });
    const busy = flaky(1, 'ok', () => new Error('busy'));
    const customCall = settle(custom.execute(busy));
    await clock.advanceAsync(7);
    await expect(customCall).resolves.toEqual({ ok: true, value: 'ok' });
  });

  it('honours maxElapsedMs', async () => {
    const clock = new ManualClock();
    const policy = createRetry({ clock, maxAttempts: 10, backoff: { kind: 'constant', delayMs: 400 }, jitter: 'none', maxElapsedMs: 1_000 });
    const fn = flaky(10, 'never');
    const result = await runToEnd(clock, policy.execute(fn), 100);
    expect((result as { error: RetryExhaustedError }).error.reason).toBe('max_elapsed');
    expect(fn).toHaveBeenCalledTimes(3); // at 0, 400, 800; the next would start at 1200
  });

  it('an abort during the sleep rejects at once with ABORTED and clears the timer', async () => {
    const clock = new ManualClock();
    const policy = createRetry({ clock, backoff: { kind: 'constant', delayMs: 10_000 }, jitter: 'none' });
    const controller = new AbortController();
    const fn = flaky(5, 'never');
    const call = settle(policy.execute(fn, { signal: controller.signal, data: undefined }));
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('client went away'));
    const result = await call;
    expect((result as { error: IapError }).error.code).toBe(ErrorCode.ABORTED);
    expect(clock.pendingTimers).toBe(0);
    expect(fn).toHaveBeenCalledTimes(1);
    await expect(policy.execute(fn, { signal: controller.signal, data: undefined })).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(fn).toHaveBeenCalledTimes(1); // already aborted: not even the first attempt
  });

  it('retries results that shouldRetryResult rejects and returns the last one when attempts run out', async () => {
    const clock = new ManualClock();
    const policy = createRetry({ clock, maxAttempts: 3, jitter: 'none', backoff: { kind: 'constant', delayMs: 5 }, shouldRetryResult: (r) => (r as { status: number }).status === 503 });
    let status = 503;
    const fn = vi.fn(() => Promise.resolve({ status }));
    const call = settle(policy.execute(fn));
    await flushMicrotasks();
    status = 200;
    await clock.advanceAsync(5);
    await expect(call).resolves.toEqual({ ok: true, value: { status: 200 } });
    expect(fn).toHaveBeenCalledTimes(2);

    status = 503;
    const exhausted = await runToEnd(clock, policy.execute(fn), 5);
    expect(exhausted).toEqual({ ok: true, value: { status: 503 } });
  });

  it('jitter comes from the injected random source (deterministic)', async () => {
    const delays = async (): Promise<number[]> => {
      const clock = new ManualClock();
      const policy = createRetry({ clock, maxAttempts: 4, random: seededRandom(7), jitter: 'full' });
      const seen: number[] = [];
      policy.on('retry', (e) => seen.push(e.delayMs));
      await runToEnd(clock, policy.execute(flaky(10, 0)), 10);
      return seen;
    };
    const first = await delays();
    expect(first).toHaveLength(3);
    expect(await delays()).toEqual(first);
  });

  it('a throwing shouldRetry or readRetryAfter never escapes as an unhandled error', async () => {
    const clock = new ManualClock();
    const error = new Error('x');
    const policy = createRetry({
      clock,
      shouldRetry: () => {
        throw new Error('bug');
      },
    });
    await expect(policy.execute(() => Promise.reject(error))).rejects.toBe(error);
  });

  it('invalid options -> INVALID_OPTIONS', () => {
    expect(() => createRetry({ maxAttempts: 0 })).toThrow(/invalid retry options: .*maxAttempts/);
    expect(() => createRetry({ shouldRetry: 5 as never })).toThrow(/shouldRetry must be a function/);
    expect(() => createRetry({ budget: {} as never })).toThrow(/budget must come from createRetryBudget/);
  });
});

describe('the wait between attempts', () => {
  it('keeps a Node process alive while awaited (systemClock timers are otherwise unref\'d)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'iap-retry-'));
    try {
      const script = join(directory, 'script.mts');
      const source = fileURLToPath(new URL('./retry.ts', import.meta.url));
      writeFileSync(
        script,
        `import { createRetry } from ${JSON.stringify(source)};
let attempts = 0;
const policy = createRetry({ maxAttempts: 2, backoff: { kind: 'constant', delayMs: 100 }, jitter: 'none' });
console.log(await policy.execute(() => (++attempts === 1 ? Promise.reject(new Error('first attempt fails')) : 'second attempt ran')));`,
      );
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: 30_000 });
      expect(child.stderr).not.toContain('Error');
      expect(child.stdout.trim()).toBe('second attempt ran');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('retry budget', () => {
  it('caps retries to a fraction of recent calls and refills as the window slides', async () => {
    const clock = new ManualClock();
    const budget = createRetryBudget({ clock, retryRatio: 0.25, minRetriesPerWindow: 0, windowMs: 1_000 });
    const policy = createRetry({ clock, budget, maxAttempts: 2, backoff: { kind: 'constant', delayMs: 0 }, jitter: 'none' });
    for (let i = 0; i < 4; i++) await policy.execute(() => 'ok');
    const results = [];
    // 5 calls allow floor(0.25 * 5) = 1 retry; at 6 calls still 1, already spent
    for (let i = 0; i < 2; i++) results.push(await runToEnd(clock, policy.execute(flaky(5, 'x')), 0, 5));
    expect(results.map((r) => isRetryExhaustedError((r as { error: unknown }).error))).toEqual([true, false]);
    const spent = (results[1] as { error: RetryBudgetExhaustedError }).error;
    expect(isRetryBudgetExhaustedError(spent)).toBe(true);
    expect(spent.attempts).toBe(1);
    expect(budget.stats()).toEqual({ calls: 6, retries: 1, allowedRetries: 1 });
    clock.advance(1_000);
    expect(budget.stats()).toEqual({ calls: 0, retries: 0, allowedRetries: 0 });
  });

  it('minRetriesPerWindow lets a quiet service retry', () => {
    const budget = createRetryBudget({ clock: new ManualClock(), minRetriesPerWindow: 2 });
    expect([budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry()]).toEqual([true, true, false]);
    expect(() => createRetryBudget({ retryRatio: 0 })).toThrow(/retryRatio/);
    expect(() => createRetryBudget({ minRetriesPerWindow: 2.5 })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS, message: expect.stringMatching(/minRetriesPerWindow must be an integer >= 0/) as unknown }));
    expect(() => createRetryBudget({ windowMs: 999.5 })).toThrow(/windowMs must be an integer number of ms/);
  });
});

describe('retry()', () => {
  it('is a one-off retried call with an optional signal', async () => {
    await expect(retry(() => 'x')).resolves.toBe('x');
    const fn = flaky(1, 'y');
    await expect(retry(fn, { backoff: { kind: 'constant', delayMs: 1 }, jitter: 'none' })).resolves.toBe('y');
    const controller = new AbortController();
    controller.abort();
    await expect(retry(fn, { signal: controller.signal })).rejects.toMatchObject({ code: ErrorCode.ABORTED });
  });
});

describe('createRetry options', () => {
  it('refuses a misspelled option instead of silently using the default', () => {
    expect(() => createRetry({ maxAttemps: 8 } as never)).toThrow("retry: unknown option 'maxAttemps' (did you mean 'maxAttempts'?)");
    expect(() => createRetry({ shouldRetri: () => true } as never)).toThrow("did you mean 'shouldRetry'?");
    expect(createRetry({ maxAttempts: 8, shouldRetry: () => true }).policy.maxAttempts).toBe(8);
  });
});
