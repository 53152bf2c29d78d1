import { invalidOptions } from '../internal/options.js';

/**
 * The window contents inside a {@link CircuitBreakerSnapshot}.
 *
 * @example
 * ```ts
 * const window: CircuitWindowSnapshot | null = breaker.toSnapshot().window;
 * ```
 */
export type CircuitWindowSnapshot =
  | {
      readonly kind: 'count';
      readonly size: number;
      /** One entry per call, oldest first: bit 1 = failure, bit 2 = slow. */
      readonly outcomes: readonly number[];
    }
  | {
      readonly kind: 'time';
      readonly durationMs: number;
      readonly bucketCount: number;
      /** Absolute index (`floor(floor(ms) * bucketCount / durationMs)`) of the newest bucket; -1 when empty. */
      readonly headEpoch: number;
      /** `[calls, failures, slowCalls]` per bucket, oldest first. */
      readonly buckets: readonly (readonly number[])[];
    };

/**
 * A JSON-safe picture of a circuit breaker, taken with `toSnapshot()` and passed back as the
 * `snapshot` option of a new breaker (a serverless function saving its breaker between
 * invocations). A half-open breaker is saved as open with `openUntilMs` = `takenAtMs`, so the new
 * breaker admits trial calls at once; in-flight calls are not part of a snapshot.
 *
 * @example
 * ```ts
 * const saved: CircuitBreakerSnapshot = breaker.toSnapshot();
 * await kv.set('breaker:erp', JSON.stringify(saved));
 * ```
 */
export interface CircuitBreakerSnapshot {
  readonly formatVersion: 1;
  readonly name: string;
  readonly state: 'closed' | 'open' | 'isolated' | 'disabled';
  /** When an open circuit may admit trial calls (ms since the epoch); 0 otherwise. */
  readonly openUntilMs: number;
  /** Consecutive trips without a successful close. */
  readonly trips: number;
  readonly consecutiveFailures: number;
  /** The window contents, or `null` without a window. A window of another shape is not restored. */
  readonly window: CircuitWindowSnapshot | null;
  readonly takenAtMs: number;
}

const COMPONENT = 'circuit breaker';
const STATES = new Set(['closed', 'open', 'isolated', 'disabled']);

function fail(path: string, expected: string): never {
  throw invalidOptions(COMPONENT, `snapshot.${path} must be ${expected} (pass a value returned by toSnapshot())`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function checkCountArray(value: unknown, path: string): void {
  if (!Array.isArray(value) || !value.every(isCount)) fail(path, 'an array of integers >= 0');
}

/**
 * Checks that `value` has the shape of a {@link CircuitBreakerSnapshot} (it may come from JSON).
 *
 * @throws IapError `INVALID_OPTIONS` naming the first bad field.
 *
 * @example
 * ```ts
 * const snapshot = validateCircuitBreakerSnapshot(JSON.parse(await kv.get('breaker:erp')));
 * const breaker = createCircuitBreaker({ name: 'erp', snapshot });
 * ```
 */
export function validateCircuitBreakerSnapshot(value: unknown): CircuitBreakerSnapshot {
  if (typeof value !== 'object' || value === null) fail('', 'an object');
  const s = value as Record<string, unknown>;
  if (s.formatVersion !== 1) fail('formatVersion', '1');
  if (typeof s.name !== 'string') fail('name', 'a string');
  if (typeof s.state !== 'string' || !STATES.has(s.state)) fail('state', "'closed', 'open', 'isolated' or 'disabled'");
  if (typeof s.openUntilMs !== 'number' || !Number.isFinite(s.openUntilMs)) fail('openUntilMs', 'a finite number');
  if (!isCount(s.trips)) fail('trips', 'an integer >= 0');
  if (!isCount(s.consecutiveFailures)) fail('consecutiveFailures', 'an integer >= 0');
  if (typeof s.takenAtMs !== 'number' || !Number.isFinite(s.takenAtMs)) fail('takenAtMs', 'a finite number');
  const w = s.window;
  if (w !== null) {
    if (typeof w !== 'object' || w === undefined) fail('window', 'an object or null');
    const window = w as Record<string, unknown>;
    if (window.kind === 'count') {
      if (!isCount(window.size)) fail('window.size', 'an integer >= 0');
      checkCountArray(window.outcomes, 'window.outcomes');
    } else if (window.kind === 'time') {
      if (typeof window.durationMs !== 'number' || !(window.durationMs > 0)) fail('window.durationMs', 'a number > 0');
      if (!isCount(window.bucketCount)) fail('window.bucketCount', 'an integer >= 0');
      if (typeof window.headEpoch !== 'number' || !Number.isInteger(window.headEpoch) || window.headEpoch < -1) fail('window.headEpoch', 'an integer >= -1');
      if (!Array.isArray(window.buckets)) fail('window.buckets', 'an array');
      (window.buckets as unknown[]).forEach((bucket, i) => checkCountArray(bucket, `window.buckets[${i}]`));
    } else {
      fail('window.kind', "'count' or 'time'");
    }
  }
  return value as CircuitBreakerSnapshot;
}
