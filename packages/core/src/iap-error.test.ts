import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes.js';
import { IapError, hasErrorCode, readRetryAfterMs, toIapError } from './iap-error.js';
import { ValidationError, formatIssuePath, isValidationError } from './validation-error.js';

describe('IapError', () => {
  it('carries code, retryable, cause and retryAfterMs', () => {
    const cause = new Error('socket hang up');
    const error = new IapError(ErrorCode.PUBLISH_FAILED, 'publish failed', { cause, retryable: true, retryAfterMs: 250 });
    expect(error.code).toBe('PUBLISH_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.retryAfterMs).toBe(250);
    expect(error).toBeInstanceOf(Error);
    expect(error.toJSON()).toMatchObject({ code: 'PUBLISH_FAILED', retryable: true, retryAfterMs: 250 });
  });

  it('isInstance recognises the brand, even on a look-alike from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { code: 'TIMEOUT' });
    Object.defineProperty(foreign, Symbol.for('iap.error'), { value: true });
    expect(IapError.isInstance(foreign)).toBe(true);
    expect(IapError.isInstance(new Error('plain'))).toBe(false);
    expect(IapError.isInstance(null)).toBe(false);
    expect(IapError.isInstance({ code: 'TIMEOUT' })).toBe(false);
  });

  it('toIapError keeps IapErrors, wraps Errors and describes non-errors by type only', () => {
    const own = new IapError(ErrorCode.TIMEOUT, 't');
    expect(toIapError(own)).toBe(own);
    const wrapped = toIapError(Object.assign(new Error('boom'), { retryAfterMs: 10 }));
    expect(wrapped.code).toBe('UNKNOWN');
    expect(wrapped.message).toBe('boom');
    expect(wrapped.retryAfterMs).toBe(10);
    const secret = toIapError('password=hunter2');
    expect(secret.message).toBe('a non-Error value of type string was thrown');
    expect(secret.message).not.toContain('hunter2');
    expect(toIapError(null).message).toContain('null');
  });

  it('readRetryAfterMs ignores invalid hints and hasErrorCode checks codes', () => {
    expect(readRetryAfterMs({ retryAfterMs: -1 })).toBeUndefined();
    expect(readRetryAfterMs({ retryAfterMs: Number.NaN })).toBeUndefined();
    expect(readRetryAfterMs({ retryAfterMs: '5' })).toBeUndefined();
    expect(readRetryAfterMs({ retryAfterMs: 5 })).toBe(5);
    expect(hasErrorCode(new IapError(ErrorCode.TIMEOUT, 't'), ErrorCode.TIMEOUT)).toBe(true);
    expect(hasErrorCode(new IapError(ErrorCode.TIMEOUT, 't'), ErrorCode.ABORTED)).toBe(false);
  });
});

describe('ValidationError', () => {
  it('lists every issue with its path in the message', () => {
    const error = new ValidationError('envelope', [
      { path: ['data', 'items', 0, 'sku'], message: 'required' },
      { path: [], message: 'expected an object' },
    ]);
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('invalid envelope: 2 issues (data.items[0].sku: required; <root>: expected an object)');
    expect(isValidationError(error)).toBe(true);
    expect(isValidationError(new IapError(ErrorCode.VALIDATION, 'x'))).toBe(false);
  });

  it('formats paths', () => {
    expect(formatIssuePath([])).toBe('<root>');
    expect(formatIssuePath(['a', 1, 'b'])).toBe('a[1].b');
    expect(formatIssuePath([0])).toBe('[0]');
  });
});

describe('IapError subclasses and their brands', () => {
  class OrderRejectedError extends IapError<'ORDER_REJECTED'> {
    static override readonly errorBrand = 'iap.test.OrderRejectedError';
    constructor(readonly orderId: string) {
      super('ORDER_REJECTED', `order ${orderId} rejected`);
    }
  }
  class OtherError extends IapError {
    static override readonly errorBrand = 'iap.test.OtherError';
  }

  it('isInstance of a subclass is true for its instances only, and IapError.isInstance for all', () => {
    const rejected = new OrderRejectedError('ORD-1');
    const other = new OtherError(ErrorCode.UNKNOWN, 'other');
    expect(OrderRejectedError.isInstance(rejected)).toBe(true);
    expect(OrderRejectedError.isInstance(other)).toBe(false);
    expect(OrderRejectedError.isInstance(new IapError('ORDER_REJECTED', 'same code, base class'))).toBe(false);
    expect(IapError.isInstance(rejected) && IapError.isInstance(other)).toBe(true);
  });

  it('recognises an instance from another copy of the package by its brand, without instanceof', () => {
    const foreign = Object.create(null) as Record<symbol, unknown>;
    Object.defineProperty(foreign, Symbol.for('iap.error'), { value: true });
    Object.defineProperty(foreign, Symbol.for('iap.test.OrderRejectedError'), { value: true });
    expect(OrderRejectedError.isInstance(foreign)).toBe(true);
    expect(OtherError.isInstance(foreign)).toBe(false);
  });
});
