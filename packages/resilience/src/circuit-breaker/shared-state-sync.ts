import { ErrorCode, IapError, type Clock, type TimerHandle } from '@iap/core';
import type { CircuitBreakerListeners } from './circuit-breaker-listeners.js';
import type { CircuitStateMachine } from './circuit-state-machine.js';
import { isSharedCircuitState, type CircuitStateStore, type SharedCircuitState } from './circuit-state-store.js';

/**
 * Keeps one breaker in step with the others of the same `name` through a {@link CircuitStateStore}.
 * The call path never waits for it: the breaker's own transitions to `open`, `closed` and
 * `isolated` are written in the background with compare-and-set (a lost write reads and adopts the
 * winner), and the store is read every `stateSyncIntervalMs`; a newer version is adopted. A store
 * that fails or returns garbage is reported as `stateStoreError`; the breaker keeps its local state.
 */
export class SharedStateSync {
  readonly #store: CircuitStateStore;
  readonly #name: string;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #machine: CircuitStateMachine;
  readonly #listeners: CircuitBreakerListeners;
  /** The newest version this breaker has written or adopted. */
  #version = 0;
  #publishing = false;
  #publishAgain = false;
  #timer: TimerHandle | undefined;
  #disposed = false;

  constructor(store: CircuitStateStore, name: string, clock: Clock, intervalMs: number, machine: CircuitStateMachine, listeners: CircuitBreakerListeners) {
    this.#store = store;
    this.#name = name;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#machine = machine;
    this.#listeners = listeners;
  }

  /** Reads the store now and every interval from now on, until {@link SharedStateSync.dispose}. */
  start(): void {
    void this.pull();
    this.#schedule();
  }

  /** Stops the read timer; nothing is read, adopted or written afterwards. */
  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#disposed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.pull().then(() => this.#schedule());
    }, this.#intervalMs);
  }

  /** Reads the shared state and adopts it when it is newer than what this breaker knows. Never rejects. */
  async pull(): Promise<void> {
    if (this.#disposed) return;
    let remote: SharedCircuitState | undefined;
    try {
      remote = await this.#store.read(this.#name);
    } catch (error) {
      this.#listeners.emitStateStoreError('read', error);
      return;
    }
    if (remote === undefined || this.#disposed) return;
    if (!isSharedCircuitState(remote)) {
      const message = `the state store returned a malformed state for circuit breaker "${this.#name}"; expected { version, state, openUntilMs, trips, updatedAtMs }`;
      this.#listeners.emitStateStoreError('read', new IapError(ErrorCode.DECODE, message));
      return;
    }
    if (remote.version <= this.#version) return;
    this.#version = remote.version;
    this.#adopt(remote);
  }

  #adopt(remote: SharedCircuitState): void {
    const machine = this.#machine;
    if (machine.state === 'disabled') return;
    const now = this.#clock.now();
    if (remote.state === 'open') {
      machine.trips = remote.trips;
      if (machine.state === 'half-open' && remote.openUntilMs <= now) return;
      machine.openUntilMs = remote.openUntilMs;
      if (machine.state !== 'open') machine.transition('open', 'state-store', now, true);
    } else if (remote.state === 'closed') {
      if (machine.state !== 'closed') machine.transition('closed', 'state-store', now, true);
      machine.trips = remote.trips;
    } else if (machine.state !== 'isolated') {
      machine.transition('isolated', 'state-store', now, true);
      machine.isolations = 1;
    }
  }

  /** Writes the breaker's current state in the background (once more after the write in progress, if any). */
  publish(): void {
    if (this.#publishing) {
      this.#publishAgain = true;
      return;
    }
    this.#publishing = true;
    void this.#publishLoop();
  }

  async #publishLoop(): Promise<void> {
    const machine = this.#machine;
    try {
      do {
        this.#publishAgain = false;
        const state = machine.state === 'half-open' ? 'open' : machine.state;
        if (state === 'disabled' || this.#disposed) break;
        const next: SharedCircuitState = {
          version: this.#version + 1,
          state,
          openUntilMs: state === 'open' ? machine.openUntilMs : 0,
          trips: machine.trips,
          updatedAtMs: this.#clock.now(),
        };
        let written: boolean;
        try {
          written = await this.#store.compareAndSet(this.#name, this.#version, next);
        } catch (error) {
          this.#listeners.emitStateStoreError('write', error);
          break;
        }
        if (written) {
          this.#version = Math.max(this.#version, next.version);
        } else {
          // another writer got there first: adopt the winner
          await this.pull();
        }
      } while (this.#publishAgain);
    } finally {
      this.#publishing = false;
    }
  }
}
