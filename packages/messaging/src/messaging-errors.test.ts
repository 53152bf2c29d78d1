import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { isMigrationFailedError, isStoreFailedError, isStoreLockedError } from './messaging-errors.js';

describe('error guards', () => {
  it('match by code, not by class identity', () => {
    const lookalike = Object.assign(new Error('x'), { code: ErrorCode.STORE_LOCKED, [Symbol.for('iap.error')]: true });
    expect(isStoreLockedError(lookalike)).toBe(true);
    expect(isStoreLockedError(new IapError(ErrorCode.STORE_FAILED, 'x'))).toBe(false);
    expect(isStoreFailedError(new IapError(ErrorCode.STORE_FAILED, 'x'))).toBe(true);
    expect(isMigrationFailedError(new IapError(ErrorCode.MIGRATION_FAILED, 'x'))).toBe(true);
    expect(isStoreFailedError(new Error('plain'))).toBe(false);
    expect(isStoreFailedError(undefined)).toBe(false);
  });
});
