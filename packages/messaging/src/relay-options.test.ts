import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { fakeDatabase } from './__fixtures__/fake-database.js';
import { createInProcessTransport } from './in-process-transport.js';
import { createOutbox } from './outbox.js';
import { resolveRelayOptions, type RelayOptions } from './relay-options.js';

const base = (): RelayOptions => ({ database: fakeDatabase(), outbox: createOutbox(), publisher: createInProcessTransport().publisher });

function rejection(options: unknown): IapError {
  try {
    resolveRelayOptions(options as RelayOptions);
  } catch (error) {
    if (error instanceof IapError) return error;
    throw error;
  }
  throw new Error('expected the options to be refused');
}

describe('relay options: common mistakes', () => {
  it('refuses a misspelled option, naming the one meant', () => {
    const error = rejection({ ...base(), batchsize: 500 });
    expect(error.code).toBe(ErrorCode.INVALID_OPTIONS);
    expect(error.message).toBe("invalid relay options: unknown option 'batchsize' (did you mean 'batchSize'?)");
  });

  it('refuses a misspelled retry option instead of silently using the default', () => {
    const error = rejection({ ...base(), retry: { maxAttemps: 8 } });
    expect(error.message).toBe("invalid relay options: retry: unknown option 'maxAttemps' (did you mean 'maxAttempts'?)");
    expect(error.details).toEqual({ option: 'maxAttemps', suggestion: 'maxAttempts' });
  });

  it('still accepts every documented option and undefined values', () => {
    // an option spread as undefined (exactOptionalPropertyTypes off in most user projects) is accepted
    const resolved = resolveRelayOptions({ ...base(), batchSize: 500, retry: { maxAttempts: 8 }, relayId: undefined } as unknown as RelayOptions);
    expect(resolved.batchSize).toBe(500);
    expect(resolved.retry.maxAttempts).toBe(8);
    // merged over the defaults: the documented delays stay
    expect(resolved.retry.backoff).toEqual({ kind: 'exponential', initialDelayMs: 1000, multiplier: 2 });
  });
});
