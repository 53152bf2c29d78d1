import { ErrorCode, ManualClock, seededRandom } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { NonRetriableError } from '../errors/non-retriable-error.js';
import { isTimeoutError } from '../errors/timeout-error.js';
import { driveClock } from './__fixtures__/drive-clock.js';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';
import { isSagaDeadlineError } from './saga-errors.js';
import { DEFAULT_SAGA_COMPENSATION_RETRY, DEFAULT_SAGA_RETRY, mergeRetryPolicy } from './saga-retry-policy.js';
import type { SagaOptions } from './saga-options.js';

function failing(name: string, options: SagaOptions, step: Record<string, unknown> = {}) {
  const clock = new ManualClock(0);
  const saga = createSaga(name, { store: createInMemorySagaStore(), clock, random: seededRandom(3), ...options }).step({
    name: 'flaky',
    action: () => {
      throw new Error('down');
    },
    ...step,
  });
  const delays: number[] = [];
  saga.on('stepRetrying', (e) => delays.push(e.delayMs));
  return { clock, saga, delays };
}

describe('saga retry policies: user options merge over the documented defaults', () => {
  it('merges option by option, keeps the base for what is left out or undefined, replaces backoff whole', () => {
    expect(mergeRetryPolicy('here', DEFAULT_SAGA_RETRY, { maxAttempts: 7 })).toEqual({ ...DEFAULT_SAGA_RETRY, maxAttempts: 7, maxElapsedMs: Number.POSITIVE_INFINITY });
    expect(mergeRetryPolicy('here', DEFAULT_SAGA_COMPENSATION_RETRY, { maxDelayMs: undefined, jitter: 'none' })).toMatchObject({ maxAttempts: 5, maxDelayMs: 10_000, jitter: 'none' });
    expect(mergeRetryPolicy('here', DEFAULT_SAGA_RETRY, { backoff: { kind: 'constant', delayMs: 5 } }).backoff).toEqual({ kind: 'constant', delayMs: 5 });
    expect(() => mergeRetryPolicy('here', DEFAULT_SAGA_RETRY, 'often')).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(() => mergeRetryPolicy('here', DEFAULT_SAGA_RETRY, { maxDelayMs: -1 })).toThrow(/^here: invalid retry policy: maxDelayMs/);
  });

  it('a saga retry of only maxAttempts keeps the documented 10 s cap on every delay', async () => {
    const { clock, saga, delays } = failing('capped', { retry: { maxAttempts: 3, jitter: 'none', backoff: { kind: 'constant', delayMs: 60_000 } } });
    const result = await driveClock(clock, saga.run(undefined), 1_000);
    expect(result.status).toBe('compensated');
    expect(delays).toEqual([10_000, 10_000]);
  });

  it("a step's retry merges over the saga's, not over core's defaults", async () => {
    const { clock, saga, delays } = failing('step-merge', { retry: { maxAttempts: 5, backoff: { kind: 'constant', delayMs: 50 }, jitter: 'none' } }, { retry: { maxAttempts: 3 } });
    await driveClock(clock, saga.run(undefined), 10);
    expect(delays).toEqual([50, 50]);
  });

  it("a compensation's retry merges over the saga's compensationRetry", async () => {
    const clock = new ManualClock(0);
    let undo = 0;
    const saga = createSaga('undo-merge', { store: createInMemorySagaStore(), clock, retry: { maxAttempts: 1 }, compensationRetry: { backoff: { kind: 'constant', delayMs: 30 }, jitter: 'none' } })
      .step({
        name: 'a',
        action: () => 'a',
        compensationRetry: { maxAttempts: 2 },
        compensate: () => {
          undo++;
          throw new Error('refund API down');
        },
      })
      .step({ name: 'b', action: () => Promise.reject(new Error('declined')) });
    const delays: number[] = [];
    saga.on('stepRetrying', (e) => delays.push(e.delayMs));
    expect((await driveClock(clock, saga.run(undefined), 10)).status).toBe('compensation_failed');
    expect(undo).toBe(2);
    expect(delays).toEqual([30]);
  });

  it('never retries a NonRetriableError, whatever shouldRetry says (the retry policy rule)', async () => {
    let calls = 0;
    const { clock, saga } = failing('non-retriable', { retry: { maxAttempts: 5 }, shouldRetry: () => true }, {
      action: () => {
        calls++;
        throw new NonRetriableError('the ERP rejected the order');
      },
    });
    const result = await driveClock(clock, saga.run(undefined));
    expect(calls).toBe(1);
    expect(result.error?.details).toMatchObject({ causeName: 'NonRetriableError' });
  });

  it('fails with the last attempt error, not the policy RetryExhaustedError', async () => {
    const { clock, saga } = failing('last-error', { retry: { maxAttempts: 2, jitter: 'none' } });
    const result = await driveClock(clock, saga.run(undefined));
    expect(result.error?.details).toMatchObject({ causeName: 'Error' });
    expect((result.error?.cause as Error).message).toBe('down');
  });

  it('times out an attempt with the timeout policy: a retryable TimeoutError', async () => {
    const { clock, saga } = failing('slow', { retry: { maxAttempts: 1 } }, { timeoutMs: 200, action: () => new Promise<never>(() => undefined) });
    const result = await driveClock(clock, saga.run(undefined), 100);
    expect(isTimeoutError(result.error?.cause)).toBe(true);
    expect(result.error?.cause).toMatchObject({ timeoutMs: 200, retryable: true });
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not wait for a retry that would start at or after the deadline, and says so at once', async () => {
    const { clock, saga, delays } = failing('deadline-gate', { retry: { maxAttempts: 10, backoff: { kind: 'constant', delayMs: 400 }, jitter: 'none' } });
    const result = await driveClock(clock, saga.run(undefined, { deadlineMs: 1_000 }), 10);
    expect(isSagaDeadlineError(result.error)).toBe(true);
    expect(delays).toEqual([400, 400]);
    expect(clock.now()).toBeLessThan(1_000);
    expect(((result.error as { cause?: unknown }).cause as Error).message).toBe('down');
  });
});
