import { getEventListeners } from 'node:events';
import { ErrorCode, hasErrorCode, IapError, ManualClock, seededRandom } from '@iap/core';
import { describe, expect, it, vi } from 'vitest';
import { ResilienceErrorCode } from '../resilience-error-codes.js';
import { deferred } from '../__fixtures__/deferred.js';
import { driveClock } from './__fixtures__/drive-clock.js';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';
import { isSagaDeadlineError, isSagaStateError, isSagaStepError } from './saga-errors.js';
import type { SagaEvents } from './saga-events.js';
import type { SagaOptions } from './saga-options.js';

interface Order {
  orderId: string;
  amount: number;
}

function setup(options: SagaOptions = {}) {
  const clock = new ManualClock(1_000_000);
  const store = createInMemorySagaStore();
  const log: string[] = [];
  const base = { store, clock, random: seededRandom(7), retry: { maxAttempts: 1 }, compensationRetry: { maxAttempts: 1 }, ...options };
  return { clock, store, log, base };
}

function recordEvents(saga: { on: <K extends keyof SagaEvents>(event: K, listener: (payload: SagaEvents[K]) => void) => () => void }): string[] {
  const seen: string[] = [];
  const names: Array<keyof SagaEvents> = ['sagaStarted', 'stepStarted', 'stepRetrying', 'stepCompleted', 'stepFailed', 'stepCompensated', 'compensationFailed', 'stepSkipped', 'sagaFinished', 'sagaStopped'];
  for (const name of names) {
    saga.on(name, (payload) => {
      const p = payload as { step?: string; phase?: string; status?: string; reason?: string };
      seen.push([name, p.step, p.phase === 'compensation' ? 'c' : undefined, p.status, p.reason].filter((x) => x !== undefined).join(':'));
    });
  }
  return seen;
}

describe('saga run: forward', () => {
  it('runs the steps in order, passing the input, earlier results and a stable idempotency key', async () => {
    const { base, log } = setup();
    const saga = createSaga<Order>('order', base)
      .step({
        name: 'reserve',
        action: ({ input, idempotencyKey, attempt, sagaId, step }) => {
          log.push(`reserve ${input.orderId} ${idempotencyKey} ${attempt} ${sagaId} ${step}`);
          return { reservationId: `r-${input.orderId}` };
        },
      })
      .step({
        name: 'charge',
        action: async ({ input, results, idempotencyKey }) => {
          log.push(`charge ${results.reserve.reservationId} ${idempotencyKey}`);
          await Promise.resolve();
          return { chargeId: `c-${input.amount}` };
        },
      })
      .step({ name: 'notify', action: ({ results }) => void log.push(`notify ${results.charge.chargeId}`) });
    const events = recordEvents(saga);

    const result = await saga.run({ orderId: 'o-1', amount: 990 }, { sagaId: 'order-o-1' });

    expect(log).toEqual(['reserve o-1 order-o-1:reserve 1 order-o-1 reserve', 'charge r-o-1 order-o-1:charge', 'notify c-990']);
    expect(result).toMatchObject({
      sagaId: 'order-o-1',
      sagaName: 'order',
      status: 'completed',
      completedSteps: ['reserve', 'charge', 'notify'],
      compensatedSteps: [],
      failedStep: undefined,
      error: undefined,
      compensationFailure: undefined,
    });
    expect(result.results).toEqual({ reserve: { reservationId: 'r-o-1' }, charge: { chargeId: 'c-990' }, notify: undefined });
    expect(events).toEqual([
      'sagaStarted:running',
      'stepStarted:reserve',
      'stepCompleted:reserve',
      'stepStarted:charge',
      'stepCompleted:charge',
      'stepStarted:notify',
      'stepCompleted:notify',
      'sagaFinished:completed',
    ]);
    expect(saga.stepNames).toEqual(['reserve', 'charge', 'notify']);
  });

  it('writes one checkpoint per step, the last one also completing the saga and releasing the lease', async () => {
    const { base, store } = setup();
    const saga = createSaga('three', base)
      .step({ name: 'a', action: () => 1 })
      .step({ name: 'b', action: () => 2 })
      .step({ name: 'c', action: () => 3 });
    const checkpoint = vi.spyOn(store, 'checkpoint');
    await saga.run(undefined, { sagaId: 's-1' });
    expect(checkpoint).toHaveBeenCalledTimes(3);
    expect(checkpoint.mock.calls.at(-1)![1]).toMatchObject({ status: 'completed', leaseExpiresAt: null });
    expect(await store.get('s-1')).toMatchObject({ status: 'completed', leaseOwner: undefined, version: 4 });
  });

  it('runs a parallel group at the same time and continues with all of its results', async () => {
    const { base, log } = setup();
    const bothStarted = deferred();
    let started = 0;
    const gate = async (name: string) => {
      log.push(`start ${name}`);
      if (++started === 2) bothStarted.resolve();
      await bothStarted.promise;
      log.push(`end ${name}`);
    };
    const saga = createSaga<Order>('parallel', base)
      .step({ name: 'reserve', action: () => 'r-1' })
      .parallel((group) =>
        group
          .step({ name: 'charge', action: async ({ results }) => (await gate('charge'), `c-for-${results.reserve}`) })
          .step({ name: 'points', action: async () => (await gate('points'), 12) }),
      )
      .step({ name: 'confirm', action: ({ results }) => `${results.charge}+${results.points}` });
    const result = await saga.run({ orderId: 'o', amount: 1 }, { sagaId: 'p-1' });
    expect(log.slice(0, 2).sort()).toEqual(['start charge', 'start points']);
    expect(result.status).toBe('completed');
    expect(result.results.confirm).toBe('c-for-r-1+12');
  });

  it('treats undefined, null and nested results faithfully through the JSON checkpoint', async () => {
    const { base, store } = setup();
    const saga = createSaga('json', base)
      .step({ name: 'none', action: () => undefined })
      .step({ name: 'nil', action: () => null })
      .step({ name: 'deep', action: () => ({ list: [1, 'two', { three: true }] }) });
    const first = await saga.run(undefined, { sagaId: 'j-1' });
    const reread = await saga.get('j-1');
    expect(reread?.results).toEqual(first.results);
    expect((await store.get('j-1'))!.checkpoints.map((c) => c.resultJson)).toEqual([undefined, 'null', '{"list":[1,"two",{"three":true}]}']);
  });
});

describe('saga run: compensation', () => {
  it('undoes completed steps in reverse completion order with their own result, key and the reason', async () => {
    const { base, log } = setup();
    const saga = createSaga<Order>('order', base)
      .step({
        name: 'reserve',
        action: () => ({ reservationId: 'r-1' }),
        compensate: ({ result, idempotencyKey, reason }) => void log.push(`release ${result.reservationId} ${idempotencyKey} ${reason.code}`),
      })
      .step({ name: 'audit', action: () => 'no undo needed' })
      .step({ name: 'charge', action: () => ({ chargeId: 'c-1' }), compensate: ({ result }) => void log.push(`refund ${result.chargeId}`) })
      .step({
        name: 'ship',
        action: () => {
          throw new Error('no courier available');
        },
        compensate: () => void log.push('never: a failed step is not compensated'),
      });
    const events = recordEvents(saga);
    const result = await saga.run({ orderId: 'o-1', amount: 5 }, { sagaId: 'o-1' });
    expect(log).toEqual(['refund c-1', 'release r-1 o-1:reserve SAGA_STEP_FAILED']);
    expect(result).toMatchObject({
      status: 'compensated',
      failedStep: 'ship',
      completedSteps: ['reserve', 'audit', 'charge'],
      compensatedSteps: ['charge', 'reserve'],
      results: { reserve: { reservationId: 'r-1' }, audit: 'no undo needed', charge: { chargeId: 'c-1' } },
    });
    expect(isSagaStepError(result.error)).toBe(true);
    expect(result.error?.message).toBe('saga "order" step "ship" failed: no courier available');
    expect(result.error?.details).toMatchObject({ sagaId: 'o-1', step: 'ship', phase: 'action', causeName: 'Error' });
    expect((result.error?.cause as Error).message).toBe('no courier available');
    expect(events).toContain('stepFailed:ship');
    expect(events.slice(-3)).toEqual(['stepStarted:reserve:c', 'stepCompensated:reserve', 'sagaFinished:compensated']);
  });

  it('compensates a parallel group as a group after awaiting every sibling, then the steps before it', async () => {
    const { base, log } = setup();
    const slow = deferred();
    const saga = createSaga('group', base)
      .step({ name: 'first', action: () => 1, compensate: () => void log.push('undo first') })
      .parallel((group) =>
        group
          .step({
            name: 'ok-a',
            action: async () => {
              await slow.promise;
              log.push('ok-a done');
              return 'a';
            },
            compensate: () => void log.push('undo ok-a'),
          })
          .step({
            name: 'bad',
            action: () => {
              slow.resolve();
              throw new Error('bad');
            },
          })
          .step({ name: 'ok-b', action: () => 'b', compensate: () => void log.push('undo ok-b') }),
      )
      .step({ name: 'never', action: () => void log.push('never runs') });
    const result = await saga.run(undefined, { sagaId: 'g-1' });
    expect(result.status).toBe('compensated');
    expect(result.failedStep).toBe('bad');
    expect(log[0]).toBe('ok-a done');
    expect(log.slice(1, 3).sort()).toEqual(['undo ok-a', 'undo ok-b']);
    expect(log[3]).toBe('undo first');
    expect(log).not.toContain('never runs');
  });

  it('stops at a compensation that keeps failing: compensation_failed, recorded with its error, nothing swallowed', async () => {
    const { base, log, clock } = setup({ compensationRetry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 100 }, jitter: 'none' } });
    const saga = createSaga('stuck', base)
      .step({ name: 'reserve', action: () => 1, compensate: () => void log.push('undo reserve') })
      .step({
        name: 'charge',
        action: () => 2,
        compensate: ({ attempt }) => {
          log.push(`refund attempt ${attempt}`);
          throw new IapError(ErrorCode.BROKER, 'payment provider unreachable', { retryable: true });
        },
      })
      .step({ name: 'ship', action: () => Promise.reject(new Error('warehouse closed')) });
    const events = recordEvents(saga);
    const result = await driveClock(clock, saga.run(undefined, { sagaId: 'st-1' }));
    expect(log).toEqual(['refund attempt 1', 'refund attempt 2', 'refund attempt 3']);
    expect(result).toMatchObject({ status: 'compensation_failed', failedStep: 'ship', completedSteps: ['reserve', 'charge'], compensatedSteps: [] });
    expect(result.error?.message).toContain('warehouse closed');
    expect(result.compensationFailure?.step).toBe('charge');
    expect(result.compensationFailure?.error.message).toBe('saga "stuck" compensation of step "charge" failed: payment provider unreachable');
    expect(result.compensationFailure?.error.details).toMatchObject({ phase: 'compensation', causeCode: 'BROKER' });
    expect(events.filter((e) => e.startsWith('stepRetrying'))).toEqual(['stepRetrying:charge:c', 'stepRetrying:charge:c']);
    expect(events.slice(-2)).toEqual(['compensationFailed:charge', 'sagaFinished:compensation_failed']);
    const stored = await saga.get('st-1');
    expect(stored?.compensationFailure?.error.details).toMatchObject({ causeCode: 'BROKER' });
    expect(stored?.status).toBe('compensation_failed');
  });

  it('after the pivot never compensates: a failing step leaves the saga failed for an operator', async () => {
    const { base, log, store } = setup();
    const saga = createSaga('pivoted', base)
      .step({ name: 'charge', action: () => 'c', compensate: () => void log.push('refund') })
      .pivot()
      .step({ name: 'ship', action: () => Promise.reject(new Error('courier down')) })
      .step({ name: 'email', action: () => void log.push('email') });
    const result = await saga.run(undefined, { sagaId: 'pv-1' });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'ship', completedSteps: ['charge'], compensatedSteps: [] });
    expect(log).toEqual([]);
    expect(await store.get('pv-1')).toMatchObject({ status: 'failed', leaseOwner: undefined });
  });

  it('a failure before the pivot still compensates', async () => {
    const { base, log } = setup();
    const saga = createSaga('pre-pivot', base)
      .step({ name: 'reserve', action: () => 'r', compensate: () => void log.push('release') })
      .step({ name: 'charge', action: () => Promise.reject(new Error('declined')) })
      .pivot()
      .step({ name: 'ship', action: () => 's' });
    expect((await saga.run(undefined)).status).toBe('compensated');
    expect(log).toEqual(['release']);
  });
});

describe('saga run: retries, timeouts, deadline', () => {
  it('retries a failing action by its policy with core backoff and stops when it succeeds', async () => {
    const { base, clock } = setup();
    let calls = 0;
    const saga = createSaga('retry', base).step({
      name: 'flaky',
      retry: { maxAttempts: 4, backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, jitter: 'none' },
      action: ({ attempt }) => {
        calls++;
        if (attempt < 3) throw new Error(`transient ${attempt}`);
        return attempt;
      },
    });
    const delays: number[] = [];
    saga.on('stepRetrying', (e) => delays.push(e.delayMs));
    const result = await driveClock(clock, saga.run(undefined, { sagaId: 'r-1' }), 10);
    expect(result).toMatchObject({ status: 'completed', results: { flaky: 3 } });
    expect(calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('does not retry an error the policy calls non-retryable', async () => {
    const { base } = setup({ retry: { maxAttempts: 5 } });
    let calls = 0;
    const saga = createSaga('no-retry', base)
      .step({
        name: 'validate',
        action: () => {
          calls++;
          throw new IapError(ErrorCode.VALIDATION, 'amount must be positive');
        },
      })
      .step({
        name: 'custom',
        shouldRetry: () => false,
        action: () => {
          throw new Error('never retried');
        },
      });
    const result = await saga.run(undefined);
    expect(calls).toBe(1);
    expect(result.error?.details).toMatchObject({ causeCode: 'VALIDATION' });
  });

  it('times out an attempt: its signal aborts with TIMEOUT, it is retried, then the step fails', async () => {
    const { base, clock } = setup();
    const reasons: unknown[] = [];
    const saga = createSaga('slow', base).step({
      name: 'hang',
      timeoutMs: 500,
      retry: { maxAttempts: 2, backoff: { kind: 'constant', delayMs: 10 }, jitter: 'none' },
      action: ({ signal }) =>
        new Promise<never>(() => {
          signal.addEventListener('abort', () => reasons.push(signal.reason));
        }),
    });
    const result = await driveClock(clock, saga.run(undefined, { sagaId: 't-1' }));
    expect(result.status).toBe('compensated');
    expect(reasons).toHaveLength(2);
    expect(reasons.every((r) => hasErrorCode(r, ErrorCode.TIMEOUT))).toBe(true);
    expect(result.error?.details).toMatchObject({ causeCode: 'TIMEOUT' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops going forward at the deadline and compensates with SAGA_DEADLINE', async () => {
    const { base, clock, log } = setup();
    const saga = createSaga('deadline', base)
      .step({ name: 'reserve', action: () => 'r', compensate: () => void log.push('release') })
      .step({
        name: 'wait-for-stock',
        retry: { maxAttempts: 100, backoff: { kind: 'constant', delayMs: 1_000 }, jitter: 'none' },
        action: () => {
          log.push('try');
          throw new Error('out of stock');
        },
      });
    const result = await driveClock(clock, saga.run(undefined, { sagaId: 'd-1', deadlineMs: 3_500 }), 100);
    expect(log).toEqual(['try', 'try', 'try', 'try', 'release']);
    expect(result.status).toBe('compensated');
    expect(result.failedStep).toBe('wait-for-stock');
    expect(isSagaDeadlineError(result.error)).toBe(true);
    const stored = await saga.get('d-1');
    expect(isSagaDeadlineError(stored?.error)).toBe(true);
  });

  it('keeps the deadline across a restart: a resumed saga past its deadline compensates', async () => {
    const { base, clock, store, log } = setup();
    const define = (workerId: string) =>
      createSaga('deadline-resume', { ...base, workerId, leaseMs: 1_000 })
        .step({ name: 'a', action: () => 'a', compensate: () => void log.push('undo a') })
        .step({ name: 'b', action: () => void log.push('b ran') });
    await store.create({ sagaId: 'dr-1', sagaName: 'deadline-resume', inputJson: 'null', owner: 'dead', now: clock.now(), leaseExpiresAt: clock.now() + 1_000, deadlineAt: clock.now() + 2_000 });
    await store.checkpoint('dr-1', { owner: 'dead', expectedVersion: 1, now: clock.now(), entries: [{ seq: 1, kind: 'step_completed', step: 'a', resultJson: '"a"', errorJson: undefined, attempts: 1, note: undefined }], leaseExpiresAt: clock.now() + 1_000 });
    clock.setTime(clock.now() + 5_000);
    const [result] = await define('w2').resume();
    expect(result).toMatchObject({ status: 'compensated', failedStep: 'b' });
    expect(log).toEqual(['undo a']);
  });
});

describe('saga run: idempotent start', () => {
  it('joins a run in progress in this process instead of starting a second execution', async () => {
    const { base } = setup();
    let calls = 0;
    const gate = deferred();
    const saga = createSaga('once', base).step({
      name: 'slow',
      action: async () => {
        calls++;
        await gate.promise;
        return 'done';
      },
    });
    const first = saga.run(undefined, { sagaId: 'same' });
    const second = saga.run(undefined, { sagaId: 'same' });
    gate.resolve();
    const [a, b] = await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(a).toEqual(b);
  });

  it('returns the stored result of a finished run without executing anything', async () => {
    const { base } = setup();
    let calls = 0;
    const define = () => createSaga('finished', base).step({ name: 'a', action: () => ++calls });
    const first = await define().run(undefined, { sagaId: 'f-1' });
    const again = await define().run(undefined, { sagaId: 'f-1' });
    expect(calls).toBe(1);
    expect(again).toMatchObject({ status: 'completed', results: { a: 1 } });
    expect(again.results).toEqual(first.results);
  });

  it('waits for another live worker driving the same id and returns its outcome', async () => {
    const { base, clock } = setup({ pollIntervalMs: 200 });
    let calls = 0;
    const gate = deferred();
    const define = (workerId: string) =>
      createSaga('shared', { ...base, workerId }).step({
        name: 'a',
        action: async () => {
          calls++;
          await gate.promise;
          return 'from-w1';
        },
      });
    const w1 = define('w1').run(undefined, { sagaId: 'sh-1' });
    const w2 = define('w2').run(undefined, { sagaId: 'sh-1' });
    await clock.advanceAsync(1_000);
    gate.resolve();
    const [r1, r2] = await Promise.all([w1, driveClock(clock, w2, 200)]);
    expect(calls).toBe(1);
    expect(r2).toEqual(r1);
  });

  it('refuses an id that belongs to another saga', async () => {
    const { base } = setup();
    await createSaga('a', base).step({ name: 's', action: () => 1 }).run(undefined, { sagaId: 'taken' });
    const other = createSaga('b', base).step({ name: 's', action: () => 1 });
    await expect(other.run(undefined, { sagaId: 'taken' })).rejects.toSatisfy(isSagaStateError);
    await expect(other.get('taken')).rejects.toSatisfy(isSagaStateError);
  });
});

describe('saga run: stopping', () => {
  it('an aborted run stops at once, leaves the saga running with its lease released, and resume() finishes it', async () => {
    const { base, store, log } = setup();
    const controller = new AbortController();
    const define = () =>
      createSaga('abortable', base)
        .step({ name: 'a', action: () => void log.push('a') })
        .step({
          name: 'b',
          action: ({ signal }) => {
            log.push('b');
            if (!controller.signal.aborted) {
              controller.abort(new Error('shutting down'));
              expect(signal.aborted).toBe(true);
            }
            return 'b';
          },
        });
    const saga = define();
    const stopped = recordEvents(saga);
    await expect(saga.run(undefined, { sagaId: 'ab-1', signal: controller.signal })).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.ABORTED));
    expect(stopped.at(-1)).toBe('sagaStopped:aborted');
    expect(await store.get('ab-1')).toMatchObject({ status: 'running', leaseOwner: undefined });
    const [resumed] = await define().resume();
    expect(resumed).toMatchObject({ sagaId: 'ab-1', status: 'completed' });
    expect(log).toEqual(['a', 'b', 'b']);
  });

  it('one shutdown signal shared by many runs carries one listener and stops them all', async () => {
    const { base, store } = setup();
    const shutdown = new AbortController();
    let started = 0;
    const allStarted = deferred();
    const saga = createSaga('many', base).step({
      name: 'wait',
      action: ({ signal }) => {
        if (++started === 30) allStarted.resolve();
        return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));
      },
    });
    const runs = Array.from({ length: 30 }, (_, i) => saga.run(undefined, { sagaId: `m-${i}`, signal: shutdown.signal }));
    await allStarted.promise;
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    shutdown.abort();
    const outcomes = await Promise.allSettled(runs);
    expect(outcomes.every((o) => o.status === 'rejected' && hasErrorCode(o.reason, ErrorCode.ABORTED))).toBe(true);
    expect((await store.list({ status: 'running', limit: 100 })).filter((r) => r.leaseOwner === undefined)).toHaveLength(30);
  });

  it('close() stops the runs in flight (resumable) and rejects later calls with CLOSED', async () => {
    const { base, store } = setup();
    const started = deferred();
    const saga = createSaga('closable', base).step({
      name: 'forever',
      action: ({ signal }) => {
        started.resolve();
        return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by signal'))));
      },
    });
    const running = saga.run(undefined, { sagaId: 'cl-1' });
    await started.promise;
    await saga.close();
    await expect(running).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.CLOSED));
    expect(await store.get('cl-1')).toMatchObject({ status: 'running', leaseOwner: undefined, checkpoints: [] });
    await expect(saga.run(undefined)).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.CLOSED));
    await expect(saga.resume()).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.CLOSED));
    await saga.close();
  });
});

describe('saga run: bad input and listeners', () => {
  it('rejects a non-JSON input with VALIDATION before storing anything', async () => {
    const { base, store } = setup();
    const saga = createSaga<{ n: bigint }>('json-input', base).step({ name: 'a', action: () => 1 });
    await expect(saga.run({ n: 1n })).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.VALIDATION));
    expect(store.size).toBe(0);
  });

  it('fails a step whose result is not JSON, without crashing, and compensates the earlier ones', async () => {
    const { base, log } = setup();
    const saga = createSaga('json-result', base)
      .step({ name: 'a', action: () => 1, compensate: () => void log.push('undo a') })
      .step({ name: 'b', action: () => ({ big: 1n }) });
    const result = await saga.run(undefined);
    expect(result.status).toBe('compensated');
    expect(result.error?.details).toMatchObject({ causeCode: 'VALIDATION' });
    expect(log).toEqual(['undo a']);
  });

  it('a non-Error thrown by a step is recorded by its type, never by value', async () => {
    const { base } = setup();
    const saga = createSaga('odd-throw', base).step({
      name: 'a',
      action: () => {
        throw 'secret-token-123'; // eslint-disable-line @typescript-eslint/only-throw-error
      },
    });
    const result = await saga.run(undefined, { sagaId: 'odd' });
    expect(result.error?.message).toBe('saga "odd-throw" step "a" failed: a non-Error value of type string was thrown');
    const stored = JSON.stringify(await base.store.get('odd'));
    expect(stored).not.toContain('secret-token-123');
  });

  it('refuses to resume a saga whose log names a step the definition no longer has', async () => {
    const { base, store, clock } = setup();
    await store.create({ sagaId: 'old-1', sagaName: 'evolving', inputJson: 'null', owner: 'dead', now: 0, leaseExpiresAt: 1, deadlineAt: undefined });
    await store.checkpoint('old-1', { owner: 'dead', expectedVersion: 1, now: 0, entries: [{ seq: 1, kind: 'step_completed', step: 'renamed-away', resultJson: '1', errorJson: undefined, attempts: 1, note: undefined }], leaseExpiresAt: 1 });
    clock.setTime(clock.now() + 10);
    const saga = createSaga('evolving', base).step({ name: 'new-name', action: () => 1 });
    await expect(saga.resume()).rejects.toSatisfy((e) => hasErrorCode(e, ResilienceErrorCode.SAGA_DEFINITION) && /renamed-away/.test((e as Error).message));
    expect(await store.get('old-1')).toMatchObject({ status: 'running', leaseOwner: undefined });
  });

  it('a throwing listener never breaks the saga', async () => {
    const errors: unknown[] = [];
    const { base } = setup({ onListenerError: (error) => errors.push(error) });
    const saga = createSaga('listeners', base).step({ name: 'a', action: () => 1 });
    saga.on('stepCompleted', () => {
      throw new Error('listener bug');
    });
    expect((await saga.run(undefined)).status).toBe('completed');
    expect(errors).toHaveLength(1);
  });
});
