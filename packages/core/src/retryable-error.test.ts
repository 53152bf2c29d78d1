import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import { isRetryableError } from './retryable-error.js';

describe('isRetryableError', () => {
  it('lets an IapError decide, except an aborted one', () => {
    expect(isRetryableError(new IapError(ErrorCode.STORE_FAILED, 'database down', { retryable: true }))).toBe(true);
    expect(isRetryableError(new IapError(ErrorCode.VALIDATION, 'bad input'))).toBe(false);
    expect(isRetryableError(new IapError(ErrorCode.ABORTED, 'aborted', { retryable: true }))).toBe(false);
  });

  it('does not retry programming errors or an abort, retries the rest', () => {
    expect(isRetryableError(new TypeError('x is not a function'))).toBe(false);
    expect(isRetryableError(new RangeError('bad length'))).toBe(false);
    expect(isRetryableError(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))).toBe(false);
    expect(isRetryableError(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
    expect(isRetryableError('a thrown string')).toBe(true);
  });
});
