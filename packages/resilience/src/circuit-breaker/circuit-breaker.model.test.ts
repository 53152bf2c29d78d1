import { ManualClock, flushMicrotasks } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferred, type Deferred } from '../__fixtures__/deferred.js';
import { isCircuitOpenError } from '../errors/circuit-open-error.js';
import { createCircuitBreaker } from './circuit-breaker.js';

// Model-based test of the breaker's state machine (consecutive failures, half-open trials, the
// half-open deadline, callers that abort) under a manual clock, with calls left in flight and
// settled in any order. The model is written from the README, not from the implementation.

type Op =
  | { kind: 'start' }
  | { kind: 'startAborted' }
  | { kind: 'settle'; index: number; ok: boolean }
  | { kind: 'abort'; index: number }
  | { kind: 'wait'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'start' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'startAborted' }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('settle' as const), index: fc.nat(), ok: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), index: fc.nat() }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 700 }).map<Op>((ms) => ({ kind: 'wait', ms })) },
);

interface Config {
  readonly threshold: number;
  readonly openMs: number;
  readonly halfOpenMs: number;
  readonly trials: number;
}

/** The reference state machine. */
class Model {
  state: 'closed' | 'open' | 'half-open' = 'closed';
  generation = 0;
  consecutive = 0;
  openUntil = 0;
  admitted = 0;
  inFlight = 0;
  successes = 0;
  deadline = Number.POSITIVE_INFINITY;

  constructor(readonly c: Config) {}

  #enter(state: Model['state']): void {
    this.state = state;
    this.generation++;
    this.admitted = 0;
    this.inFlight = 0;
    this.successes = 0;
    this.deadline = Number.POSITIVE_INFINITY;
  }

  open(at: number): void {
    this.#enter('open');
    this.openUntil = at + this.c.openMs;
  }

  refresh(now: number): void {
    if (this.state === 'half-open' && this.inFlight > 0 && now >= this.deadline) this.open(this.deadline); // timed from the deadline
    if (this.state === 'open' && now >= this.openUntil) this.#enter('half-open');
  }

  /** 'normal' | 'trial' when admitted, 'rejected' otherwise. */
  admit(now: number): 'normal' | 'trial' | 'rejected' {
    this.refresh(now);
    if (this.state === 'closed') return 'normal';
    if (this.state === 'open' || this.admitted >= this.c.trials) return 'rejected';
    if (this.inFlight === 0) this.deadline = now + this.c.halfOpenMs;
    this.admitted++;
    this.inFlight++;
    return 'trial';
  }

  settle(now: number, generation: number, admission: 'normal' | 'trial', outcome: 'ok' | 'fail' | 'ignored'): void {
    if (generation !== this.generation) return; // discarded
    if (admission === 'normal') {
      if (outcome === 'fail' && ++this.consecutive >= this.c.threshold) this.open(now);
      else if (outcome === 'ok') this.consecutive = 0;
      return;
    }
    this.inFlight--;
    if (outcome === 'fail') return this.open(now);
    if (outcome === 'ignored') this.admitted--;
    else if (++this.successes >= this.c.trials) {
      this.#enter('closed');
      this.consecutive = 0;
      return;
    }
    if (this.inFlight === 0) this.deadline = Number.POSITIVE_INFINITY;
  }
}

interface Pending {
  readonly callee: Deferred<number>;
  readonly controller: AbortController;
  readonly generation: number;
  readonly admission: 'normal' | 'trial';
  readonly done: Promise<unknown>;
}

describe('circuit breaker state machine (model-based, manual clock)', () => {
  it('matches the reference model for any interleaving of calls, settlements, aborts and waits', async () => {
    const config = fc.record({ threshold: fc.integer({ min: 1, max: 3 }), openMs: fc.integer({ min: 1, max: 500 }), halfOpenMs: fc.integer({ min: 1, max: 500 }), trials: fc.integer({ min: 1, max: 3 }) });
    await fc.assert(
      fc.asyncProperty(config, fc.array(op, { maxLength: 80 }), async (c, ops) => {
        const clock = new ManualClock(0);
        const breaker = createCircuitBreaker({ clock, consecutiveFailures: c.threshold, openDurationMs: c.openMs, maxHalfOpenDurationMs: c.halfOpenMs, halfOpenMaxCalls: c.trials });
        const model = new Model(c);
        const pending: Pending[] = [];
        for (const o of ops) {
          const now = clock.now();
          if (o.kind === 'wait') {
            clock.advance(o.ms);
          } else if (o.kind === 'startAborted') {
            const error = await breaker.execute(() => 1, { signal: AbortSignal.abort(), data: undefined }).catch((e: unknown) => e);
            expect(error).toMatchObject({ code: 'ABORTED' }); // never admitted, never counted: the model does nothing
          } else if (o.kind === 'start') {
            const callee = deferred<number>();
            const controller = new AbortController();
            controller.signal.addEventListener('abort', () => callee.reject(controller.signal.reason));
            let rejected = false;
            const done = breaker.execute(() => callee.promise, { signal: controller.signal, data: undefined }).catch((error: unknown) => {
              if (isCircuitOpenError(error)) rejected = true;
            });
            await flushMicrotasks();
            const admission = model.admit(now);
            expect(rejected ? 'rejected' : 'admitted').toBe(admission === 'rejected' ? 'rejected' : 'admitted');
            if (admission !== 'rejected') pending.push({ callee, controller, generation: model.generation, admission, done });
          } else if (pending.length > 0) {
            const [call] = pending.splice(o.index % pending.length, 1);
            if (o.kind === 'abort') call!.controller.abort();
            else if (o.ok) call!.callee.resolve(1);
            else call!.callee.reject(new Error('HTTP 503'));
            await call!.done;
            model.settle(now, call!.generation, call!.admission, o.kind === 'abort' ? 'ignored' : o.ok ? 'ok' : 'fail');
          }
          model.refresh(clock.now());
          expect(breaker.state).toBe(model.state);
        }
      }),
      { seed: 1_812, numRuns: 400 },
    );
  });
});
