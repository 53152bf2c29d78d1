import { ErrorCode, ManualClock, flushMicrotasks } from '@iap/core';
import { describe, expect, it, vi } from 'vitest';
import { settle } from '../__fixtures__/deferred.js';
import { pipeline } from '../pipeline.js';
import { createTimeout } from '../timeout.js';
import { createCircuitBreaker } from './circuit-breaker.js';

/** A callee that honours its signal the way fetch does: it rejects with `signal.reason` (a DOMException AbortError). */
function honoursSignal(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason as Error), { once: true }));
}

describe('circuit breaker: the caller giving up is never a failure (issue 18)', () => {
  it.each<[string, boolean]>([
    ['fast path (nothing timed)', false],
    ['timed path (outcome listeners)', true],
  ])('a callee that rejects with signal.reason after the caller aborts is ignored: %s', async (_label, listen) => {
    const breaker = createCircuitBreaker({ clock: new ManualClock(), consecutiveFailures: 1 });
    const ignored = vi.fn();
    if (listen) breaker.on('ignored', ignored);
    const controller = new AbortController();
    const call = settle(breaker.execute(({ signal }) => honoursSignal(signal), { signal: controller.signal, data: undefined }));
    controller.abort(); // reason: a DOMException named AbortError, not an IapError ABORTED
    const outcome = await call;
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: Error }).error.name).toBe('AbortError'); // the callee's error comes back unchanged
    expect(breaker.stats()).toMatchObject({ state: 'closed', failures: 0, ignored: 1, consecutiveFailures: 0 });
    if (listen) expect(ignored).toHaveBeenCalledOnce();
  });

  it('an abort with any reason, passed through a cooperative timeout, does not open the circuit', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 2 });
    const crm = pipeline(breaker, createTimeout({ timeoutMs: 1_000, clock }));
    for (const reason of [undefined, new Error('user navigated away'), 'gone']) {
      const controller = new AbortController();
      const call = settle(crm.execute(({ signal }) => honoursSignal(signal), { signal: controller.signal, data: undefined }));
      await flushMicrotasks();
      controller.abort(reason);
      expect((await call).ok).toBe(false);
    }
    expect(breaker.stats()).toMatchObject({ state: 'closed', failures: 0, ignored: 3 });
  });

  it('a failure the dependency produced while the caller still waited is still a failure', async () => {
    const breaker = createCircuitBreaker({ clock: new ManualClock(), consecutiveFailures: 1 });
    const controller = new AbortController();
    await expect(breaker.execute(() => Promise.reject(new Error('HTTP 503')), { signal: controller.signal, data: undefined })).rejects.toThrow('HTTP 503');
    expect(breaker.stats()).toMatchObject({ state: 'open', failures: 1 });
  });

  it('an already-aborted caller does not take (or fail) the half-open trial; the next caller does', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 1_000 });
    await expect(breaker.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    clock.advance(1_000);
    const fn = vi.fn(() => Promise.resolve(1));
    const aborted = AbortSignal.abort();
    await expect(breaker.execute(fn, { signal: aborted, data: undefined })).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.stats()).toMatchObject({ state: 'half-open', trialCallsAdmitted: 0, failures: 1, rejected: 0 });
    await expect(breaker.execute(fn)).resolves.toBe(1);
    expect(breaker.state).toBe('closed');
  });

  it('a trial whose caller aborts frees the trial slot instead of reopening the circuit', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 1_000 });
    await expect(breaker.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    clock.advance(1_000);
    const controller = new AbortController();
    const trial = settle(breaker.execute(({ signal }) => honoursSignal(signal), { signal: controller.signal, data: undefined }));
    controller.abort();
    expect((await trial).ok).toBe(false);
    expect(breaker.stats()).toMatchObject({ state: 'half-open', trialCallsAdmitted: 0, failures: 1 });
    await expect(breaker.execute(() => 2)).resolves.toBe(2);
    expect(breaker.state).toBe('closed');
  });

  it('a timeout inside the breaker still counts as a failure; one outside it is the caller giving up', async () => {
    const clock = new ManualClock();
    const inside = createCircuitBreaker({ clock, consecutiveFailures: 1 });
    const outside = createCircuitBreaker({ clock, consecutiveFailures: 1 });
    const recommended = settle(pipeline(inside, createTimeout({ timeoutMs: 100, clock })).execute(({ signal }) => honoursSignal(signal)));
    const reversed = settle(pipeline(createTimeout({ timeoutMs: 100, clock }), outside).execute(({ signal }) => honoursSignal(signal)));
    await flushMicrotasks();
    await clock.advanceAsync(100);
    expect([(await recommended).ok, (await reversed).ok]).toEqual([false, false]);
    expect(inside.stats()).toMatchObject({ state: 'open', failures: 1 });
    expect(outside.stats()).toMatchObject({ state: 'closed', failures: 0, ignored: 1 });
  });
});
