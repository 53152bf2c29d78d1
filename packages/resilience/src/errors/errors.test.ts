import { ErrorCode, IapError } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';
import { describe, expect, it } from 'vitest';
import { BulkheadRejectedError, isBulkheadRejectedError } from './bulkhead-rejected-error.js';
import { CircuitIsolatedError, isCircuitIsolatedError } from './circuit-isolated-error.js';
import { CircuitOpenError, isCircuitOpenError } from './circuit-open-error.js';
import { NonRetriableError, isNonRetriableError } from './non-retriable-error.js';
import { RateLimitedError, isRateLimitedError } from './rate-limited-error.js';
import { RetryBudgetExhaustedError, isRetryBudgetExhaustedError } from './retry-budget-exhausted-error.js';
import { RetryExhaustedError, isRetryExhaustedError } from './retry-exhausted-error.js';
import { TimeoutError, isTimeoutError } from './timeout-error.js';

const cases = [
  [new CircuitOpenError('crm', 'open', 1_000.4), isCircuitOpenError, ResilienceErrorCode.CIRCUIT_OPEN, true],
  [new CircuitIsolatedError('crm'), isCircuitIsolatedError, ResilienceErrorCode.CIRCUIT_ISOLATED, false],
  [new TimeoutError(250), isTimeoutError, ErrorCode.TIMEOUT, true],
  [new BulkheadRejectedError('queue-full', { maxConcurrent: 2, maxQueue: 0, queueTimeoutMs: Infinity }), isBulkheadRejectedError, ResilienceErrorCode.BULKHEAD_REJECTED, true],
  [new RateLimitedError('hubspot', 12.2, 1), isRateLimitedError, ResilienceErrorCode.RATE_LIMITED, true],
  [new NonRetriableError('HTTP 422'), isNonRetriableError, ResilienceErrorCode.NON_RETRIABLE, false],
  [new RetryExhaustedError([new Error('a'), new Error('b')], 'max_attempts'), isRetryExhaustedError, ResilienceErrorCode.RETRY_EXHAUSTED, false],
  [new RetryBudgetExhaustedError([new Error('a')]), isRetryBudgetExhaustedError, ResilienceErrorCode.RETRY_BUDGET_EXHAUSTED, false],
] as const;

describe('errors', () => {
  it.each(cases)('%s: IapError with its code, retryable flag and a guard that reads the class brand', (error, guard, code, retryable) => {
    expect(IapError.isInstance(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect((guard as (value: unknown) => boolean)(error)).toBe(true);
    // guards go by the class brand, not instanceof: an instance from another copy of the package
    // (same brands, other prototype) passes; a bare IapError with the same code does not
    const brands = Object.getOwnPropertySymbols(error).filter((symbol) => symbol.description?.startsWith('iap.'));
    const fromAnotherCopy = Object.create(null) as Record<symbol, unknown>;
    for (const brand of brands) Object.defineProperty(fromAnotherCopy, brand, { value: true });
    expect(brands.length).toBe(2);
    expect((guard as (value: unknown) => boolean)(fromAnotherCopy)).toBe(true);
    expect((guard as (value: unknown) => boolean)(new IapError(code, 'same code, base class'))).toBe(false);
    expect((guard as (value: unknown) => boolean)(new Error(code))).toBe(false);
    expect((guard as (value: unknown) => boolean)(undefined)).toBe(false);
  });

  it('messages say what happened and what to do, with rounded waits', () => {
    expect(new CircuitOpenError('crm', 'open', 1_000.4).message).toBe('circuit breaker "crm" is open: the call was not made; retry in 1001 ms or serve a fallback');
    expect(new CircuitOpenError('crm', 'open', 1_000.4).retryAfterMs).toBe(1_001);
    expect(new RateLimitedError('hubspot', 12.2, 1).retryAfterMs).toBe(13);
    expect(new BulkheadRejectedError('queue-timeout', { maxConcurrent: 2, maxQueue: 5, queueTimeoutMs: 100 }).message).toContain('queueTimeoutMs (100 ms)');
    const exhausted = new RetryExhaustedError([new Error('a'), Object.assign(new Error('b'), { retryAfterMs: 30 })], 'retry_after_exceeds_caps');
    expect(exhausted.message).toBe('all 2 attempt(s) failed and the Retry-After hint exceeds maxDelayMs or maxElapsedMs; the last error is the cause');
    expect(exhausted.retryAfterMs).toBe(30);
    expect(Object.isFrozen(exhausted.errors)).toBe(true);
    expect(new NonRetriableError('x', { cause: 'why' }).cause).toBe('why');
  });
});
