import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import { closestName, rejectUnknownOptions } from './unknown-options.js';

function thrown(run: () => void): IapError {
  try {
    run();
  } catch (error) {
    if (error instanceof IapError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('rejectUnknownOptions', () => {
  const known = ['maxAttempts', 'backoff', 'maxDelayMs', 'jitter'];

  it('accepts known options and keys whose value is undefined', () => {
    expect(() => rejectUnknownOptions({ maxAttempts: 3, jitter: 'full' }, known, 'retry')).not.toThrow();
    expect(() => rejectUnknownOptions({ maxAttempts: 3, other: undefined }, known, 'retry')).not.toThrow();
  });

  it('names a misspelled option and the one meant, without its value', () => {
    const error = thrown(() => rejectUnknownOptions({ maxAttemps: 'secret-value' }, known, 'createRelay: retry'));
    expect(error.code).toBe(ErrorCode.INVALID_OPTIONS);
    expect(error.message).toBe("createRelay: retry: unknown option 'maxAttemps' (did you mean 'maxAttempts'?)");
    expect(error.message).not.toContain('secret-value');
    expect(error.details).toEqual({ option: 'maxAttemps', suggestion: 'maxAttempts' });
  });

  it('lists the known options when nothing is close', () => {
    const error = thrown(() => rejectUnknownOptions({ brokers: [] }, known, 'retry'));
    expect(error.message).toBe("retry: unknown option 'brokers' (known options: maxAttempts, backoff, maxDelayMs, jitter)");
    expect(error.details).toEqual({ option: 'brokers' });
  });
});

describe('closestName', () => {
  it('matches another case, one or two edits, and nothing far away', () => {
    expect(closestName('maxdelayms', ['maxDelayMs'])).toBe('maxDelayMs');
    expect(closestName('jiter', ['jitter', 'backoff'])).toBe('jitter');
    expect(closestName('maxAtempts', ['maxAttempts'])).toBe('maxAttempts');
    expect(closestName('retries', ['maxAttempts', 'backoff'])).toBeUndefined();
    // short names allow one edit only
    expect(closestName('kafk', ['kafka'])).toBe('kafka');
    expect(closestName('ka', ['kafka'])).toBeUndefined();
  });
});
