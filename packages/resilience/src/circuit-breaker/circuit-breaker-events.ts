/**
 * The states of a circuit breaker:
 * - `closed`: calls run and outcomes are counted;
 * - `open`: calls are rejected with `CircuitOpenError` until the open duration has passed;
 * - `half-open`: up to `halfOpenMaxCalls` trial calls run, the rest are rejected;
 * - `isolated`: an operator holds it open (`isolate()`); calls are rejected with `CircuitIsolatedError`;
 * - `disabled`: every call runs and nothing is counted (`disable()`).
 *
 * @example
 * ```ts
 * const healthy = (state: CircuitState): boolean => state === 'closed' || state === 'disabled';
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated' | 'disabled';

/**
 * Why a circuit breaker changed state.
 *
 * @example
 * ```ts
 * breaker.on('stateChange', (e) => { if (e.reason === 'half-open-timeout') log.warn('a trial call hung'); });
 * ```
 */
export type CircuitTransitionReason =
  | 'consecutive-failures'
  | 'failure-rate'
  | 'slow-call-rate'
  | 'open-elapsed'
  | 'trial-failed'
  | 'trials-succeeded'
  | 'half-open-timeout'
  | 'isolate'
  | 'release'
  | 'force-close'
  | 'disable'
  | 'enable'
  | 'reset'
  | 'state-store';

/**
 * Events of a circuit breaker. Payloads are only built when somebody listens.
 *
 * @example
 * ```ts
 * breaker.on('stateChange', (e) => metrics.gauge('breaker.open', e.to === 'open' ? 1 : 0));
 * breaker.on('rejected', (e) => metrics.count('breaker.rejected', { state: e.state }));
 * ```
 */
export interface CircuitBreakerEvents {
  /** Every transition. `generation` is the new state's generation. */
  stateChange: { readonly from: CircuitState; readonly to: CircuitState; readonly reason: CircuitTransitionReason; readonly generation: number; readonly atMs: number };
  /** A call counted as a success. `durationMs` is measured while somebody listens or slow calls are detected. */
  success: { readonly state: CircuitState; readonly durationMs: number | undefined; readonly slow: boolean };
  /** A call counted as a failure: `error` when it threw, `result` when `classifyResult` said failure. */
  failure: { readonly state: CircuitState; readonly error: unknown; readonly result: unknown; readonly durationMs: number | undefined; readonly slow: boolean };
  /** A call classified as `ignored`. */
  ignored: { readonly state: CircuitState; readonly error: unknown; readonly durationMs: number | undefined };
  /** A call rejected without being made. */
  rejected: { readonly state: 'open' | 'half-open' | 'isolated'; readonly retryAfterMs: number | undefined };
  /** A call settled after the breaker had changed state since it started; its outcome was not counted. */
  discarded: { readonly generation: number; readonly currentGeneration: number };
  /** The state store failed; calls are unaffected and the breaker keeps its local state. */
  stateStoreError: { readonly operation: 'read' | 'write'; readonly error: unknown };
}

/**
 * A point-in-time view of a circuit breaker, from `stats()`.
 *
 * @example
 * ```ts
 * const { state, failureRate, rejected } = breaker.stats();
 * ```
 */
export interface CircuitBreakerStats {
  readonly name: string;
  readonly state: CircuitState;
  /** Increases with every transition; results from an older generation are discarded. */
  readonly generation: number;
  /** Lifetime counters (kept across `reset()`). */
  readonly successes: number;
  readonly failures: number;
  readonly ignored: number;
  readonly slowCalls: number;
  readonly rejected: number;
  readonly discarded: number;
  readonly consecutiveFailures: number;
  /** Calls, failures and slow calls in the current window (0 without a window). */
  readonly windowCalls: number;
  readonly windowFailures: number;
  readonly windowSlowCalls: number;
  /** Failure and slow-call rates in the window (0 when empty). */
  readonly failureRate: number;
  readonly slowCallRate: number;
  /** Consecutive trips without a successful close. */
  readonly trips: number;
  /** When an open circuit admits trial calls (ms since the epoch); undefined unless open. */
  readonly openUntilMs: number | undefined;
  /** Trial calls admitted and in flight while half-open. */
  readonly trialCallsAdmitted: number;
  readonly trialCallsInFlight: number;
}
