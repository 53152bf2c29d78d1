import { describe, expect, it } from 'vitest';
import { isThenable, settle } from './maybe-async.js';

describe('settle', () => {
  it('continues synchronously with a plain value: no promise is made', () => {
    const result = settle(
      () => 2,
      (value) => value * 10,
      () => -1,
    );
    expect(result).toBe(20);
  });

  it('passes a synchronous throw to onRejected, synchronously', () => {
    const failure = new Error('boom');
    const result = settle(
      () => {
        throw failure;
      },
      () => 'ok',
      (error) => (error === failure ? 'rejected' : 'other'),
    );
    expect(result).toBe('rejected');
  });

  it('waits for a thenable and continues with its value or its rejection', async () => {
    const fulfilled = settle(
      () => Promise.resolve(3),
      (value) => value + 1,
      () => 0,
    );
    expect(fulfilled).toBeInstanceOf(Promise);
    await expect(fulfilled).resolves.toBe(4);
    const rejected = settle(
      () => Promise.reject(new Error('later')),
      () => 'ok',
      (error) => (error as Error).message,
    );
    await expect(rejected).resolves.toBe('later');
  });

  it('accepts a thenable of another library', async () => {
    const thenable: PromiseLike<string> = { then: (onFulfilled) => Promise.resolve(onFulfilled?.('foreign')) as never };
    await expect(settle(() => thenable, (value) => value.toUpperCase(), () => 'rejected')).resolves.toBe('FOREIGN');
  });

  it('does not pass a throw of onFulfilled to onRejected', () => {
    let rejectedCalls = 0;
    expect(() =>
      settle(
        () => 1,
        () => {
          throw new Error('in onFulfilled');
        },
        () => ++rejectedCalls,
      ),
    ).toThrow('in onFulfilled');
    expect(rejectedCalls).toBe(0);
  });
});

describe('isThenable', () => {
  it('is true for objects with a then method only', () => {
    expect(isThenable(Promise.resolve())).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
    expect(isThenable({ then: 1 })).toBe(false);
    expect(isThenable(undefined)).toBe(false);
    expect(isThenable(null)).toBe(false);
    expect(isThenable('then')).toBe(false);
  });
});
