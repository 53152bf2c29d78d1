import { ErrorCode, IapError, ManualClock, abortedError, flushMicrotasks } from '@iap/core';
import { describe, expect, it, vi } from 'vitest';
import { deferred, settle } from '../__fixtures__/deferred.js';
import { isCircuitIsolatedError } from '../errors/circuit-isolated-error.js';
import { isCircuitOpenError, type CircuitOpenError } from '../errors/circuit-open-error.js';
import type { CircuitBreakerEvents } from './circuit-breaker-events.js';
import type { CircuitBreakerOptions } from './circuit-breaker-options.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';

const ok = (): Promise<number> => Promise.resolve(42);
const boom = (): Promise<never> => Promise.reject(new Error('downstream 500'));

async function fail(breaker: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(breaker.execute(boom)).rejects.toThrow('downstream 500');
}

function recordEvents(breaker: CircuitBreaker): Array<{ event: keyof CircuitBreakerEvents; payload: unknown }> {
  const seen: Array<{ event: keyof CircuitBreakerEvents; payload: unknown }> = [];
  for (const event of ['stateChange', 'success', 'failure', 'ignored', 'rejected', 'discarded'] as const) {
    breaker.on(event, (payload) => seen.push({ event, payload }));
  }
  return seen;
}

describe('createCircuitBreaker: consecutive failures (default)', () => {
  it('returns results and rethrows errors unchanged while closed', async () => {
    const breaker = createCircuitBreaker({ clock: new ManualClock() });
    await expect(breaker.execute(ok)).resolves.toBe(42);
    const error = new Error('downstream 500');
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    await expect(breaker.execute(() => 'sync value')).resolves.toBe('sync value');
    await expect(
      breaker.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(breaker.stats()).toMatchObject({ state: 'closed', successes: 2, failures: 2, consecutiveFailures: 1 });
  });

  it('opens after 5 consecutive failures and rejects with retryAfterMs until the open duration passes', async () => {
    const clock = new ManualClock(1_000);
    const breaker = createCircuitBreaker({ clock, openDurationMs: 10_000 });
    await fail(breaker, 4);
    await breaker.execute(ok); // a success resets the run
    await fail(breaker, 4);
    expect(breaker.state).toBe('closed');
    await fail(breaker, 1);
    expect(breaker.state).toBe('open');

    const fn = vi.fn(ok);
    clock.advance(4_000);
    const rejected = await settle(breaker.execute(fn));
    expect(rejected.ok).toBe(false);
    const error = (rejected as { error: CircuitOpenError }).error;
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error.retryAfterMs).toBe(6_000);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('circuit breaker "circuit-breaker" is open');
    expect(fn).not.toHaveBeenCalled();

    clock.advance(6_000);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(fn)).resolves.toBe(42);
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ trips: 0, rejected: 1 });
  });

  it('reopens when the trial fails, with an open duration that grows by backoff and is capped', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({
      clock,
      consecutiveFailures: 1,
      openBackoff: { kind: 'exponential', initialDelayMs: 1_000, multiplier: 2 },
      maxOpenDurationMs: 5_000,
    });
    const openDurations: number[] = [];
    for (let trip = 0; trip < 5; trip++) {
      await fail(breaker, 1); // closed -> open, or half-open trial fails -> open
      const until = breaker.stats().openUntilMs!;
      openDurations.push(until - clock.now());
      clock.advance(until - clock.now());
    }
    expect(openDurations).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    await breaker.execute(ok); // trial succeeds
    await fail(breaker, 1);
    expect(breaker.stats().openUntilMs! - clock.now()).toBe(1_000); // backoff starts over
  });
});

describe('half-open', () => {
  it('admits exactly halfOpenMaxCalls trial calls among 1,000 concurrent callers', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 1_000, halfOpenMaxCalls: 3, maxHalfOpenDurationMs: 5_000 });
    await fail(breaker, 1);
    clock.advance(1_000);

    const trial = deferred<number>();
    let started = 0;
    const fn = (): Promise<number> => {
      started++;
      return trial.promise;
    };
    const calls = Array.from({ length: 1_000 }, () => settle(breaker.execute(fn)));
    await flushMicrotasks();
    expect(started).toBe(3);
    expect(breaker.stats()).toMatchObject({ state: 'half-open', trialCallsAdmitted: 3, trialCallsInFlight: 3, rejected: 997 });

    trial.resolve(7);
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    const rejections = results.filter((r) => !r.ok).map((r) => (r as { error: unknown }).error as CircuitOpenError);
    expect(rejections).toHaveLength(997);
    expect(rejections.every((e) => isCircuitOpenError(e) && e.details.state === 'half-open' && e.retryAfterMs === 5_000)).toBe(true);
    expect(breaker.state).toBe('closed');
  });

  it('a trial call that never settles cannot wedge the breaker; its late result is discarded', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 1_000, maxHalfOpenDurationMs: 2_000 });
    const seen = recordEvents(breaker);
    await fail(breaker, 1);
    clock.advance(1_000);

    const hung = deferred<number>();
    const hungCall = settle(breaker.execute(() => hung.promise)); // the trial never settles (for now)
    await flushMicrotasks();
    clock.advance(1_999);
    await expect(breaker.execute(ok)).rejects.toSatisfy(isCircuitOpenError); // still waiting for the trial
    clock.advance(1);
    expect(breaker.state).toBe('open'); // half-open deadline passed: open again
    expect(seen.filter((e) => e.event === 'stateChange').map((e) => (e.payload as { reason: string }).reason)).toEqual([
      'consecutive-failures',
      'open-elapsed',
      'half-open-timeout',
    ]);

    clock.advance(1_000);
    await expect(breaker.execute(ok)).resolves.toBe(42); // a new trial is admitted and closes the circuit
    expect(breaker.state).toBe('closed');

    const before = breaker.stats();
    hung.reject(new Error('late failure')); // from two generations ago: must not count
    await hungCall;
    const after = breaker.stats();
    expect(after.failures).toBe(before.failures);
    expect(after.discarded).toBe(before.discarded + 1);
    expect(after.state).toBe('closed');
    expect(seen.some((e) => e.event === 'discarded')).toBe(true);
  });

  it('the half-open deadline is evaluated on admission without any read of state', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 100, maxHalfOpenDurationMs: 100 });
    await fail(breaker, 1);
    clock.advance(100);
    void settle(breaker.execute(() => new Promise<never>(() => {})));
    await flushMicrotasks();
    clock.advance(100);
    const error = await settle(breaker.execute(ok));
    expect(error.ok).toBe(false);
    expect(((error as { error: CircuitOpenError }).error).details.state).toBe('open');
  });

  it('results that arrive from an earlier state are discarded (generation counter)', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 2 });
    const slow = deferred<number>();
    const inFlight = settle(breaker.execute(() => slow.promise)); // admitted while closed, generation 0
    await fail(breaker, 2); // opens: generation 1
    slow.reject(new Error('late'));
    await inFlight;
    expect(breaker.stats()).toMatchObject({ failures: 2, discarded: 1, state: 'open' });
  });

  it('an ignored trial frees its slot; a slow trial counts as failed when slow calls can trip', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({
      clock,
      window: { kind: 'count', size: 10 },
      minimumCalls: 1,
      openDurationMs: 100,
      slowCallDurationMs: 50,
      slowCallRateThreshold: 1,
      classifyError: (error) => (error instanceof RangeError ? 'ignored' : 'failure'),
    });
    await fail(breaker, 1);
    clock.advance(100);
    await expect(breaker.execute(() => Promise.reject(new RangeError('not our business')))).rejects.toThrow(RangeError);
    expect(breaker.stats()).toMatchObject({ state: 'half-open', trialCallsAdmitted: 0, ignored: 1 });
    const slowTrial = deferred<number>();
    const call = breaker.execute(() => slowTrial.promise);
    clock.advance(60);
    slowTrial.resolve(1);
    await expect(call).resolves.toBe(1);
    expect(breaker.state).toBe('open');
  });
});

describe('windows', () => {
  it('count window: opens at the failure rate once minimumCalls is reached', async () => {
    const breaker = createCircuitBreaker({ clock: new ManualClock(), window: { kind: 'count', size: 10 }, failureRateThreshold: 0.5, minimumCalls: 10 });
    await fail(breaker, 6);
    expect(breaker.state).toBe('closed'); // 6 of 6 failed, but 6 calls < minimumCalls
    breaker.reset();
    await fail(breaker, 3);
    for (let i = 0; i < 7; i++) await breaker.execute(ok); // the 10th call (a success) makes the rate count: 3/10
    await fail(breaker, 1); // window: 3 F + 7 ok -> slides to 2 F + 7 ok + 1 F = 3/10
    expect(breaker.stats()).toMatchObject({ windowCalls: 10, windowFailures: 3, state: 'closed' });
    await fail(breaker, 2); // each new failure pushes an old failure out: still 3/10
    expect(breaker.stats()).toMatchObject({ windowFailures: 3, state: 'closed' });
    await fail(breaker, 1); // pushes out a success: 4/10
    expect(breaker.state).toBe('closed');
    await fail(breaker, 1); // 5/10
    expect(breaker.state).toBe('open');
  });

  it('time window: old buckets leave the window; the slow-call rate trips on its own', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({
      clock,
      window: { kind: 'time', durationMs: 10_000, bucketCount: 10 },
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      slowCallDurationMs: 1_000,
      slowCallRateThreshold: 0.75,
    });
    await fail(breaker, 3);
    clock.advance(10_000); // the three failures age out
    await breaker.execute(ok);
    await fail(breaker, 1);
    expect(breaker.stats()).toMatchObject({ windowCalls: 2, windowFailures: 1, state: 'closed' });

    clock.advance(10_000);
    const slowCall = async (): Promise<number> => {
      const call = breaker.execute(() => new Promise<number>((resolve) => clock.setTimeout(() => resolve(1), 1_500)));
      await flushMicrotasks();
      clock.advance(1_500);
      return call;
    };
    await slowCall();
    await slowCall();
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed'); // 2 slow of 3 calls < minimumCalls
    await slowCall(); // 3 slow of 4 = 0.75
    expect(breaker.stats()).toMatchObject({ state: 'open', slowCalls: 3 });
  });

  it('time window: successes land in the right bucket with one clock read per bucket, not per call', async () => {
    const clock = new ManualClock();
    const now = vi.spyOn(clock, 'now');
    const breaker = createCircuitBreaker({ clock, window: { kind: 'time', durationMs: 1_000, bucketCount: 10 }, minimumCalls: 10_000 });
    now.mockClear();
    for (let i = 0; i < 100; i++) await breaker.execute(ok);
    expect(now).toHaveBeenCalledTimes(2); // the first success, then once more after 64 without a read
    clock.advance(100); // the bucket-end timer fires: the next success reads the clock again
    await breaker.execute(ok);
    expect(breaker.stats().windowCalls).toBe(101);
    clock.advance(950); // the bucket of t=0 leaves the window, the one of t=100 stays
    expect(breaker.stats().windowCalls).toBe(1);
    breaker.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('time window: when timers are starved, at most 64 successes are placed one bucket early', async () => {
    let time = 0;
    const starved = { now: () => time, setTimeout: () => ({}), clearTimeout: () => {} }; // timers never fire
    const breaker = createCircuitBreaker({ clock: starved, window: { kind: 'time', durationMs: 1_000, bucketCount: 10 }, minimumCalls: 10_000 });
    for (let i = 0; i < 10; i++) await breaker.execute(ok); // read at the first; 9 without
    time = 150;
    for (let i = 0; i < 100; i++) await breaker.execute(ok); // 55 more without a read, then a read at t=150
    time = 1_050;
    expect(breaker.stats().windowCalls).toBe(45); // only the bucket of t=150 is left
  });

  it('classifies results and errors: failure results, ignored errors, aborted calls ignored by default', async () => {
    const breaker = createCircuitBreaker({
      clock: new ManualClock(),
      consecutiveFailures: 2,
      classifyResult: (result) => ((result as { status: number }).status >= 500 ? 'failure' : 'success'),
    });
    await expect(breaker.execute(() => ({ status: 503 }))).resolves.toEqual({ status: 503 }); // returned, but counted as failure
    await expect(breaker.execute(() => Promise.reject(abortedError(undefined)))).rejects.toSatisfy((e) => IapError.isInstance(e));
    expect(breaker.stats()).toMatchObject({ failures: 1, ignored: 1, consecutiveFailures: 1, state: 'closed' });
    await breaker.execute(() => ({ status: 500 }));
    expect(breaker.state).toBe('open');
  });

  it('a classifier that throws counts the call as a failure and never breaks the call', async () => {
    const breaker = createCircuitBreaker({
      clock: new ManualClock(),
      classifyError: () => {
        throw new Error('buggy classifier');
      },
    });
    const error = new Error('downstream');
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    expect(breaker.stats().failures).toBe(1);
  });
});

describe('manual control', () => {
  it('isolate holds the circuit until every handle is released', async () => {
    const breaker = createCircuitBreaker({ clock: new ManualClock() });
    const a = breaker.isolate();
    const b = breaker.isolate();
    const rejected = await settle(breaker.execute(ok));
    expect(isCircuitIsolatedError((rejected as { error: unknown }).error)).toBe(true);
    a.release();
    a.release(); // idempotent
    expect(breaker.state).toBe('isolated');
    b.release();
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(ok)).resolves.toBe(42);
  });

  it('forceClose drops isolations (old handles become no-ops); disable lets everything through uncounted', async () => {
    const breaker = createCircuitBreaker({ clock: new ManualClock(), consecutiveFailures: 1 });
    const handle = breaker.isolate();
    breaker.forceClose();
    expect(breaker.state).toBe('closed');
    breaker.isolate();
    handle.release(); // stale handle: does not end the new isolation
    expect(breaker.state).toBe('isolated');
    breaker.forceClose();

    breaker.disable();
    await fail(breaker, 3);
    expect(breaker.stats()).toMatchObject({ state: 'disabled', failures: 0 });
    breaker.enable();
    expect(breaker.state).toBe('closed');
    await fail(breaker, 1);
    expect(breaker.state).toBe('open');
    breaker.reset();
    expect(breaker.stats()).toMatchObject({ state: 'closed', failures: 0, trips: 0 });
  });

  it('dispose rejects later calls with CLOSED and clears the sync timer', async () => {
    const clock = new ManualClock();
    const { createInMemoryCircuitStateStore } = await import('./in-memory-circuit-state-store.js');
    const breaker = createCircuitBreaker({ clock, stateStore: createInMemoryCircuitStateStore() });
    expect(clock.pendingTimers).toBe(1);
    breaker.dispose();
    expect(clock.pendingTimers).toBe(0);
    const result = await settle(breaker.execute(ok));
    expect((result as { error: IapError }).error.code).toBe(ErrorCode.CLOSED);
  });
});

describe('events', () => {
  it('emits transitions and outcomes in order, with durations', async () => {
    const clock = new ManualClock();
    const breaker = createCircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 100 });
    const seen = recordEvents(breaker);
    const call = breaker.execute(() => new Promise<number>((resolve) => clock.setTimeout(() => resolve(1), 30)));
    clock.advance(30);
    await call;
    await fail(breaker, 1);
    await settle(breaker.execute(ok));
    expect(seen.map((e) => e.event)).toEqual(['success', 'failure', 'stateChange', 'rejected']);
    expect(seen[0]!.payload).toEqual({ state: 'closed', durationMs: 30, slow: false });
    expect(seen[2]!.payload).toMatchObject({ from: 'closed', to: 'open', reason: 'consecutive-failures', generation: 1 });
    expect(seen[3]!.payload).toEqual({ state: 'open', retryAfterMs: 100 });
  });

  it('a throwing listener never reaches the caller', async () => {
    const onListenerError = vi.fn();
    const breaker = createCircuitBreaker({ clock: new ManualClock(), onListenerError });
    breaker.on('success', () => {
      throw new Error('telemetry bug');
    });
    await expect(breaker.execute(ok)).resolves.toBe(42);
    expect(onListenerError).toHaveBeenCalledWith(expect.any(Error), 'success');
  });

  it('unsubscribing brings the breaker back to the untimed path', async () => {
    const clock = { now: vi.fn(() => 0), setTimeout: () => ({}), clearTimeout: () => {} };
    const breaker = createCircuitBreaker({ clock });
    const off = breaker.on('success', () => {});
    await breaker.execute(ok);
    const timedReads = clock.now.mock.calls.length;
    expect(timedReads).toBeGreaterThan(0);
    off();
    await breaker.execute(ok);
    await breaker.execute(ok);
    expect(clock.now.mock.calls.length).toBe(timedReads); // the closed path reads no clock
  });
});

describe('snapshots', () => {
  it('a new breaker starts from a JSON snapshot (count window, open state)', async () => {
    const clock = new ManualClock(50_000);
    const options: CircuitBreakerOptions = { clock, window: { kind: 'count', size: 5 }, minimumCalls: 5, openDurationMs: 1_000 };
    const first = createCircuitBreaker(options);
    await first.execute(ok);
    await fail(first, 1);
    const closedSnapshot = JSON.parse(JSON.stringify(first.toSnapshot())) as unknown;
    const second = createCircuitBreaker({ ...options, snapshot: closedSnapshot as never });
    expect(second.stats()).toMatchObject({ windowCalls: 2, windowFailures: 1, consecutiveFailures: 1 });
    await fail(second, 2);
    await second.execute(ok);
    expect(second.state).toBe('open'); // 3 of 5 failed

    const openSnapshot = second.toSnapshot();
    expect(openSnapshot).toMatchObject({ formatVersion: 1, state: 'open', openUntilMs: 51_000, trips: 1 });
    const third = createCircuitBreaker({ ...options, snapshot: openSnapshot });
    await expect(third.execute(ok)).rejects.toSatisfy(isCircuitOpenError);
    clock.advance(1_000);
    expect(third.state).toBe('half-open');
    const halfOpenSnapshot = third.toSnapshot();
    expect(halfOpenSnapshot).toMatchObject({ state: 'open', openUntilMs: clock.now() });
    const fourth = createCircuitBreaker({ ...options, snapshot: halfOpenSnapshot });
    await expect(fourth.execute(ok)).resolves.toBe(42); // admitted as a trial at once
  });

  it('restores time-window buckets and an isolation; drops a window of another shape', async () => {
    const clock = new ManualClock(0);
    const timeOptions: CircuitBreakerOptions = { clock, window: { kind: 'time', durationMs: 1_000, bucketCount: 4 }, minimumCalls: 10 };
    const first = createCircuitBreaker(timeOptions);
    await fail(first, 2);
    clock.advance(300);
    await first.execute(ok);
    const snapshot = first.toSnapshot();
    expect(createCircuitBreaker({ ...timeOptions, snapshot }).stats()).toMatchObject({ windowCalls: 3, windowFailures: 2 });
    clock.advance(800);
    expect(createCircuitBreaker({ ...timeOptions, snapshot }).stats()).toMatchObject({ windowCalls: 1, windowFailures: 0 });
    expect(createCircuitBreaker({ clock, window: { kind: 'count', size: 3 }, snapshot }).stats()).toMatchObject({ windowCalls: 0 });

    first.isolate();
    const isolated = createCircuitBreaker({ ...timeOptions, snapshot: first.toSnapshot() });
    expect(isolated.state).toBe('isolated');
    isolated.isolate().release(); // a restored isolation has no handle: it survives
    expect(isolated.state).toBe('isolated');
    isolated.forceClose();
    expect(isolated.state).toBe('closed');
  });

  it('rejects a malformed snapshot with INVALID_OPTIONS naming the field', () => {
    const bad = { formatVersion: 1, name: 'x', state: 'open', openUntilMs: 0, trips: -1, consecutiveFailures: 0, window: null, takenAtMs: 0 };
    expect(() => createCircuitBreaker({ snapshot: bad as never })).toThrow(/snapshot\.trips must be an integer >= 0/);
    expect(() => createCircuitBreaker({ snapshot: { ...bad, trips: 0, state: 'half-open' } as never })).toThrow(/snapshot\.state/);
    expect(() => createCircuitBreaker({ snapshot: { ...bad, trips: 0, window: { kind: 'count', size: 2, outcomes: [1, 'x'] } } as never })).toThrow(/window\.outcomes/);
    expect(() => createCircuitBreaker({ snapshot: 'nope' as never })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });
});

describe('options', () => {
  it.each<[string, CircuitBreakerOptions, RegExp]>([
    ['consecutiveFailures 0', { consecutiveFailures: 0 }, /consecutiveFailures must be an integer >= 1/],
    ['rate without window', { failureRateThreshold: 0.5 }, /failureRateThreshold needs a window/],
    ['rate above 1', { window: { kind: 'count', size: 10 }, failureRateThreshold: 1.5 }, /failureRateThreshold must be a number in \(0, 1\]/],
    ['minimumCalls above size', { window: { kind: 'count', size: 5 }, minimumCalls: 6 }, /minimumCalls \(6\) must be <= window.size \(5\)/],
    ['slow rate without duration', { window: { kind: 'count', size: 5 }, slowCallRateThreshold: 0.5 }, /slowCallRateThreshold needs slowCallDurationMs/],
    ['both open durations', { openDurationMs: 1, openBackoff: { kind: 'constant', delayMs: 1 } }, /not both/],
    ['bad backoff', { openBackoff: { kind: 'exponential', initialDelayMs: 1, multiplier: 0.5 } }, /openBackoff: .*multiplier/],
    ['cap without backoff', { maxOpenDurationMs: 5 }, /maxOpenDurationMs only applies with openBackoff/],
    ['unknown window kind', { window: { kind: 'sessions' } as never }, /window.kind must be/],
    ['tiny buckets', { window: { kind: 'time', durationMs: 5, bucketCount: 10 } }, /must be >= 1 ms/],
    ['halfOpenMaxCalls', { halfOpenMaxCalls: 1.5 }, /halfOpenMaxCalls/],
    ['empty name', { name: '' }, /name must be a non-empty string/],
    ['bad store', { stateStore: {} as never }, /stateStore must implement/],
  ])('%s -> INVALID_OPTIONS', (_label, options, message) => {
    let caught: unknown;
    try {
      createCircuitBreaker(options);
    } catch (error) {
      caught = error;
    }
    expect(IapError.isInstance(caught) && caught.code === ErrorCode.INVALID_OPTIONS).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });
});
