/**
 * The part of a circuit breaker's state that several processes share through a
 * {@link CircuitStateStore}. Windows (failure counts) stay local to each process; only the
 * decisions are shared.
 *
 * @example
 * ```ts
 * const shared: SharedCircuitState | undefined = await store.read('erp');
 * if (shared?.state === 'open') console.log(`ERP open until ${new Date(shared.openUntilMs).toISOString()}`);
 * ```
 */
export interface SharedCircuitState {
  /** Increases by one with every write; writes are compare-and-set on it. */
  readonly version: number;
  /** `half-open` and `disabled` are local to a process and never shared. */
  readonly state: 'closed' | 'open' | 'isolated';
  /** When an open circuit may admit trial calls (ms since the epoch); 0 otherwise. */
  readonly openUntilMs: number;
  /** Consecutive trips without a successful close (drives the open backoff). */
  readonly trips: number;
  /** When the state was written (ms since the epoch, writer's clock). */
  readonly updatedAtMs: number;
}

/**
 * An async store that lets several processes (or several breakers in one process) share a circuit
 * breaker's state, keyed by the breaker's `name`. Implement it on Redis, PostgreSQL, DynamoDB, ...:
 * the only requirement is an atomic compare-and-set on `version`.
 *
 * Semantics (see the README): the call path never waits for the store. A breaker writes its own
 * transitions to `open`, `closed` and `isolated` in the background with `compareAndSet`; when the
 * write loses (another process wrote first) it reads the winner and adopts it. Every
 * `stateSyncIntervalMs` it reads the store and adopts any newer version. So a trip in one process
 * opens the circuit in the others within one sync interval; half-open trial calls are admitted per
 * process.
 *
 * @example
 * ```ts
 * const store = createInMemoryCircuitStateStore();
 * const a = createCircuitBreaker({ name: 'erp', stateStore: store });
 * const b = createCircuitBreaker({ name: 'erp', stateStore: store }); // follows a's trips
 * ```
 */
export interface CircuitStateStore {
  /** Reads the shared state of `key`, or `undefined` when none was written. */
  read(key: string): Promise<SharedCircuitState | undefined>;
  /**
   * Writes `next` only when the stored version equals `expectedVersion` (0 = nothing stored yet).
   * Resolves `true` when written, `false` when another writer got there first.
   */
  compareAndSet(key: string, expectedVersion: number, next: SharedCircuitState): Promise<boolean>;
}

/** Whether a value read from a store has the shape of a {@link SharedCircuitState} (a store may return anything). */
export function isSharedCircuitState(value: unknown): value is SharedCircuitState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.version === 'number' &&
    Number.isInteger(s.version) &&
    (s.state === 'closed' || s.state === 'open' || s.state === 'isolated') &&
    typeof s.openUntilMs === 'number' &&
    typeof s.trips === 'number' &&
    Number.isInteger(s.trips) &&
    s.trips >= 0
  );
}
