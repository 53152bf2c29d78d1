import { ErrorCode, abortedError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError, isCircuitOpenError } from './errors/circuit-open-error.js';
import { createFallback } from './fallback.js';

describe('createFallback', () => {
  it('returns the result when the call succeeds and the value when it fails', async () => {
    const fallback = createFallback({ value: 'cached' });
    await expect(fallback.execute(() => 'fresh')).resolves.toBe('fresh');
    await expect(fallback.execute(() => Promise.reject(new Error('down')))).resolves.toBe('cached');
    await expect(
      fallback.execute(() => {
        throw new Error('sync');
      }),
    ).resolves.toBe('cached');
  });

  it('calls a fallback function with the error and the context; only for errors shouldHandle accepts', async () => {
    const seen: unknown[] = [];
    const fallback = createFallback({
      fallback: (error, context) => {
        seen.push(error, context.data);
        return Promise.resolve(-1);
      },
      shouldHandle: isCircuitOpenError,
    });
    fallback.on('fallback', (e) => seen.push(`event:${(e.error as Error).name}`));
    const open = new CircuitOpenError('crm', 'open', 100);
    await expect(fallback.execute(() => Promise.reject(open), { signal: undefined, data: 'ctx' })).resolves.toBe(-1);
    expect(seen).toEqual(['event:CircuitOpenError', open, 'ctx']);
    const other = new Error('not handled');
    await expect(fallback.execute(() => Promise.reject(other))).rejects.toBe(other);
  });

  it('does not answer aborted calls by default; a throwing fallback rejects the call', async () => {
    const fallback = createFallback({ value: 0 });
    await expect(fallback.execute(() => Promise.reject(abortedError(undefined)))).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    const broken = createFallback({
      fallback: () => {
        throw new Error('cache also down');
      },
    });
    await expect(broken.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('cache also down');
    const buggyPredicate = createFallback({
      value: 0,
      shouldHandle: () => {
        throw new Error('bug');
      },
    });
    const own = new Error('down');
    await expect(buggyPredicate.execute(() => Promise.reject(own))).rejects.toBe(own);
  });

  it('invalid options -> INVALID_OPTIONS', () => {
    const neither = {} as { value: number };
    expect(() => createFallback(neither)).toThrow(/exactly one of value/);
    const both: { value: number } = Object.assign({ value: 1 }, { fallback: () => 2 });
    expect(() => createFallback(both)).toThrow(/exactly one of value/);
    expect(() => createFallback({ fallback: 'x' as never })).toThrow(/fallback must be a function/);
  });
});
