import type { CircuitBreakerSnapshot } from './circuit-breaker-snapshot.js';
import type { CircuitStateMachine } from './circuit-state-machine.js';
import type { TripStrategy } from './trip-strategies/trip-strategy.js';

/**
 * Takes the snapshot of a breaker at `now` (the machine already refreshed to `now`). A half-open
 * breaker is saved as open until `now`, so a breaker started from it admits trial calls at once.
 */
export function captureSnapshot(name: string, machine: CircuitStateMachine, strategy: TripStrategy, now: number): CircuitBreakerSnapshot {
  const state = machine.state === 'half-open' ? 'open' : machine.state;
  const window = strategy.toSnapshot(now);
  return {
    formatVersion: 1,
    name,
    state,
    openUntilMs: machine.state === 'half-open' ? now : state === 'open' ? machine.openUntilMs : 0,
    trips: machine.trips,
    consecutiveFailures: strategy.consecutiveFailures,
    window,
    takenAtMs: now,
  };
}

/** Starts a new breaker's machine and strategy from a validated snapshot (no transition, no event). */
export function restoreSnapshot(snapshot: CircuitBreakerSnapshot, machine: CircuitStateMachine, strategy: TripStrategy): void {
  machine.trips = snapshot.trips;
  machine.state = snapshot.state;
  if (snapshot.state === 'open') machine.openUntilMs = snapshot.openUntilMs;
  // a restored isolation has no handle: only forceClose() or reset() ends it
  if (snapshot.state === 'isolated') machine.isolations = 1;
  strategy.restore(snapshot.consecutiveFailures, snapshot.window);
}
