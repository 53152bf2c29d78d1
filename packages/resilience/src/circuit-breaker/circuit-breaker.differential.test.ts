import { ManualClock } from '@iap/core';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCircuitOpenError } from '../errors/circuit-open-error.js';
import { createCircuitBreaker } from './circuit-breaker.js';

// Differential test against cockatiel, where the README puts the two side by side: a consecutive-
// failures breaker with a constant open duration and `halfOpenMaxCalls` trial calls that must all
// succeed is cockatiel's `ConsecutiveBreaker(n)` with `halfOpenAfter` and `halfOpenSampling: { calls,
// threshold: 0 }`. For any sequence of calls (each awaited) and clock moves, both must admit and
// reject the same calls and end each call in the same state. cockatiel reads Date.now(): vitest's
// fake Date follows the same manual time as our ManualClock.

/** `waitOpen` waits the open duration plus `delta` (-1, 0 or 1 ms): the boundaries where off-by-ones hide. */
type Step = { kind: 'ok' } | { kind: 'fail' } | { kind: 'wait'; ms: number } | { kind: 'waitOpen'; delta: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Step>({ kind: 'ok' }) },
  { weight: 3, arbitrary: fc.constant<Step>({ kind: 'fail' }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_500 }).map<Step>((ms) => ({ kind: 'wait', ms })) },
  { weight: 2, arbitrary: fc.integer({ min: -1, max: 1 }).map<Step>((delta) => ({ kind: 'waitOpen', delta })) },
);

const COCKATIEL_STATE = { [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Isolated]: 'isolated' } as const;

type Outcome = 'value' | 'error' | 'rejected';

async function outcome(call: () => Promise<unknown>, isRejection: (error: unknown) => boolean): Promise<Outcome> {
  try {
    await call();
    return 'value';
  } catch (error) {
    return isRejection(error) ? 'rejected' : 'error';
  }
}

describe('circuit breaker vs cockatiel (consecutive failures, constant open duration)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('admits, rejects and transitions exactly like cockatiel for any sequence of calls and waits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 3 }), fc.array(step, { maxLength: 60 }), async (threshold, openMs, trials, steps) => {
        vi.setSystemTime(0);
        const clock = new ManualClock(0);
        const ours = createCircuitBreaker({ clock, consecutiveFailures: threshold, openDurationMs: openMs, halfOpenMaxCalls: trials });
        const theirs = circuitBreaker(handleAll, { halfOpenAfter: openMs, breaker: new ConsecutiveBreaker(threshold), halfOpenSampling: { calls: trials, threshold: 0 } });
        for (const s of steps) {
          if (s.kind === 'wait' || s.kind === 'waitOpen') {
            clock.advance(s.kind === 'wait' ? s.ms : openMs + s.delta);
            vi.setSystemTime(clock.now());
            continue;
          }
          const fn = s.kind === 'ok' ? () => Promise.resolve(1) : () => Promise.reject(new Error('HTTP 503'));
          const a = await outcome(() => ours.execute(fn), isCircuitOpenError);
          const b = await outcome(() => theirs.execute(fn), (error) => error instanceof BrokenCircuitError);
          expect(a).toBe(b);
          expect(ours.state).toBe(COCKATIEL_STATE[theirs.state]);
        }
      }),
      { seed: 20_261_207, numRuns: 400 },
    );
  });
});
