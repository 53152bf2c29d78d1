import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import type { CircuitBreakerOptions } from './circuit-breaker-options.js';
import { createCircuitBreaker } from './circuit-breaker.js';

describe('circuit breaker options refused at construction (issue 18)', () => {
  it.each<[string, CircuitBreakerOptions, RegExp]>([
    ['exponential openBackoff from 0', { openBackoff: { kind: 'exponential', initialDelayMs: 0, multiplier: 2 } }, /openBackoff\.initialDelayMs must be > 0/],
    ['linear openBackoff from 0', { openBackoff: { kind: 'linear', initialDelayMs: 0, incrementMs: 1_000 } }, /openBackoff\.initialDelayMs must be > 0/],
    ['constant openBackoff of 0', { openBackoff: { kind: 'constant', delayMs: 0 } }, /openBackoff\.delayMs must be > 0/],
    ['fractional time window', { window: { kind: 'time', durationMs: 10_000.5 } }, /window\.durationMs must be an integer number of ms/],
    ['fractional bucket count', { window: { kind: 'time', durationMs: 10_000, bucketCount: 2.5 } }, /window\.bucketCount must be an integer >= 1/],
  ])('%s -> INVALID_OPTIONS naming the option', (_label, options, message) => {
    expect(() => createCircuitBreaker(options)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS, message: expect.stringMatching(message) as unknown }));
    expect(() => createCircuitBreaker(options)).toThrow(IapError);
  });

  it('accepts a backoff whose first open duration is positive', () => {
    expect(() => createCircuitBreaker({ openBackoff: { kind: 'linear', initialDelayMs: 1, incrementMs: 0 } })).not.toThrow();
    expect(() => createCircuitBreaker({ window: { kind: 'time', durationMs: 10_000, bucketCount: 7 } })).not.toThrow();
  });
});
