import { getEventListeners } from 'node:events';
import { ErrorCode, ManualClock, flushMicrotasks } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { deferred, settle } from './__fixtures__/deferred.js';
import { isTimeoutError, type TimeoutError } from './errors/timeout-error.js';
import { createTimeout } from './timeout.js';

describe('createTimeout', () => {
  it('passes a signal to the callee and cleans up the timer when the call finishes in time', async () => {
    const clock = new ManualClock();
    const timeout = createTimeout({ timeoutMs: 100, clock });
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    const result = await timeout.execute(
      ({ signal, data }) => {
        seen = signal;
        return `hello ${data}`;
      },
      { signal: parent.signal, data: 'crm' },
    );
    expect(result).toBe('hello crm');
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen!.aborted).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });

  it('cooperative: aborts the signal at the deadline and rejects with TimeoutError once the callee stops', async () => {
    const clock = new ManualClock();
    const timeout = createTimeout({ timeoutMs: 100, clock });
    const fired: unknown[] = [];
    timeout.on('timeout', (e) => fired.push(e));
    const call = settle(
      timeout.execute(
        ({ signal }) =>
          new Promise<never>((_, reject) => {
            signal!.addEventListener('abort', () => reject(new Error('callee saw the abort')));
          }),
      ),
    );
    clock.advance(100);
    const result = await call;
    const error = (result as { error: TimeoutError }).error;
    expect(isTimeoutError(error)).toBe(true);
    expect(error.timeoutMs).toBe(100);
    expect((error.cause as Error).message).toBe('callee saw the abort');
    expect(fired).toEqual([{ timeoutMs: 100, strategy: 'cooperative' }]);
  });

  it('cooperative: a callee that rethrows the abort reason gets that TimeoutError; one that still returns keeps its value', async () => {
    const clock = new ManualClock();
    const timeout = createTimeout({ timeoutMs: 10, clock });
    const rethrow = settle(timeout.execute(({ signal }) => new Promise<never>((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason as Error)))));
    clock.advance(10);
    expect(isTimeoutError(((await rethrow) as { error: unknown }).error)).toBe(true);

    const late = deferred<string>();
    const stubborn = timeout.execute(() => late.promise);
    clock.advance(10);
    late.resolve('finished anyway');
    await expect(stubborn).resolves.toBe('finished anyway');
  });

  it('aggressive: rejects at the deadline even if the callee never settles, and ignores its later outcome', async () => {
    const clock = new ManualClock();
    const timeout = createTimeout({ timeoutMs: 50, strategy: 'aggressive', clock });
    const parent = new AbortController();
    const late = deferred<string>();
    let signal: AbortSignal | undefined;
    const call = settle(
      timeout.execute(
        (context) => {
          signal = context.signal;
          return late.promise;
        },
        { signal: parent.signal, data: undefined },
      ),
    );
    clock.advance(50);
    const result = await call;
    expect(isTimeoutError((result as { error: unknown }).error)).toBe(true);
    expect(signal!.aborted).toBe(true);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    late.reject(new Error('too late')); // handled: no unhandled rejection
    await flushMicrotasks();
  });

  it("the caller's abort reaches the callee; aggressive rejects with ABORTED at once", async () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    const cooperative = createTimeout({ timeoutMs: 1_000, clock });
    const call = settle(cooperative.execute(({ signal }) => new Promise<never>((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason as Error))), { signal: parent.signal, data: undefined }));
    parent.abort(new Error('user cancelled'));
    const result = await call;
    expect(((result as { error: Error }).error).message).toBe('user cancelled');
    expect(clock.pendingTimers).toBe(0);

    const aggressive = createTimeout({ timeoutMs: 1_000, strategy: 'aggressive', clock });
    const other = new AbortController();
    const pending = settle(aggressive.execute(() => new Promise<never>(() => {}), { signal: other.signal, data: undefined }));
    other.abort();
    expect(((await pending) as { error: { code: string } }).error.code).toBe(ErrorCode.ABORTED);
    expect(clock.pendingTimers).toBe(0);
    await expect(aggressive.execute(() => 1, { signal: other.signal, data: undefined })).rejects.toMatchObject({ code: ErrorCode.ABORTED });
  });

  it('a callee that throws synchronously rejects the call', async () => {
    const timeout = createTimeout({ timeoutMs: 10, clock: new ManualClock() });
    await expect(
      timeout.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });

  it('invalid options -> INVALID_OPTIONS', () => {
    expect(() => createTimeout({ timeoutMs: 0 })).toThrow(/timeoutMs must be a finite number > 0/);
    expect(() => createTimeout({ timeoutMs: 1, strategy: 'eventually' as never })).toThrow(/strategy/);
    expect(() => createTimeout(undefined as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });
});
