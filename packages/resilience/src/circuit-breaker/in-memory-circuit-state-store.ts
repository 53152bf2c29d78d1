import type { CircuitStateStore, SharedCircuitState } from './circuit-state-store.js';

/**
 * A {@link CircuitStateStore} kept in memory, with a peek for tests and diagnostics.
 *
 * @example
 * ```ts
 * const store: InMemoryCircuitStateStore = createInMemoryCircuitStateStore();
 * store.peek('erp'); // { version, state, openUntilMs, trips, updatedAtMs } or undefined
 * ```
 */
export interface InMemoryCircuitStateStore extends CircuitStateStore {
  /** The stored state of `key` right now (synchronous). */
  peek(key: string): SharedCircuitState | undefined;
}

/**
 * An in-memory {@link CircuitStateStore}: several breakers with the same `name` in one process share
 * their state through it (one per downstream host, say), and it is the reference implementation of
 * the contract for tests. It is not shared between processes.
 *
 * @example
 * ```ts
 * const store = createInMemoryCircuitStateStore();
 * const perRoute = ['orders', 'invoices'].map(() => createCircuitBreaker({ name: 'erp', stateStore: store }));
 * ```
 */
export function createInMemoryCircuitStateStore(): InMemoryCircuitStateStore {
  const states = new Map<string, SharedCircuitState>();
  return {
    read(key) {
      return Promise.resolve(states.get(key));
    },
    compareAndSet(key, expectedVersion, next) {
      const current = states.get(key)?.version ?? 0;
      if (current !== expectedVersion) return Promise.resolve(false);
      states.set(key, Object.freeze({ ...next }));
      return Promise.resolve(true);
    },
    peek(key) {
      return states.get(key);
    },
  };
}
