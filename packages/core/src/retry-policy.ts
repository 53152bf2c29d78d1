import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import type { RandomSource } from './random-source.js';

/** How the base delay grows with the attempt number. */
export type Backoff =
  /** The same delay every time. */
  | { readonly kind: 'constant'; readonly delayMs: number }
  /** `initialDelayMs + incrementMs * (attempt - 1)`. */
  | { readonly kind: 'linear'; readonly initialDelayMs: number; readonly incrementMs: number }
  /** `initialDelayMs * multiplier ^ (attempt - 1)`. */
  | { readonly kind: 'exponential'; readonly initialDelayMs: number; readonly multiplier: number };

/**
 * Randomisation applied to the base delay, to spread retries of many clients apart:
 * - `none`: the base delay as is;
 * - `full`: uniform in `[0, base]`;
 * - `equal`: `base / 2` plus uniform in `[0, base / 2]`;
 * - `decorrelated`: uniform in `[initial, previous * 3]` (AWS "decorrelated jitter"), capped.
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

/** Options for {@link createRetryPolicy}. */
export interface RetryPolicyOptions {
  /**
   * Total attempts including the first one (`1` = never retry).
   * @defaultValue `5`
   */
  maxAttempts?: number;
  /** @defaultValue `{ kind: 'exponential', initialDelayMs: 100, multiplier: 2 }` */
  backoff?: Backoff;
  /** Upper bound for one delay; finite. @defaultValue `30_000` */
  maxDelayMs?: number;
  /**
   * Upper bound for the time from the first attempt until the next attempt would start; a retry that
   * would start later is not made. @defaultValue `Infinity`
   */
  maxElapsedMs?: number;
  /** @defaultValue `'full'` */
  jitter?: Jitter;
}

const RETRY_POLICY_OPTION_KEYS: Record<keyof RetryPolicyOptions, true> = { maxAttempts: true, backoff: true, maxDelayMs: true, maxElapsedMs: true, jitter: true };

/**
 * The names of {@link RetryPolicyOptions}, for components that take retry options to reject a
 * misspelled one (see `rejectUnknownOptions`).
 */
export const RETRY_POLICY_OPTION_NAMES: readonly (keyof RetryPolicyOptions)[] = Object.freeze(Object.keys(RETRY_POLICY_OPTION_KEYS) as (keyof RetryPolicyOptions)[]);

/** A validated, fully resolved retry policy. Plain data: safe to share, serialise and log. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly maxDelayMs: number;
  readonly maxElapsedMs: number;
  readonly jitter: Jitter;
}

/** Input of {@link computeRetryDelay}. */
export interface RetryDelayInput {
  /** Attempts made so far, counting the one that just failed (>= 1). */
  readonly attempt: number;
  /** Milliseconds since the first attempt started. @defaultValue `0` */
  readonly elapsedMs?: number;
  /** The previous delay (for decorrelated jitter). @defaultValue the initial delay */
  readonly previousDelayMs?: number;
  /** A Retry-After hint from the failure, in ms; it wins when it fits inside the caps. */
  readonly retryAfterMs?: number | undefined;
  /** @defaultValue `Math.random` */
  readonly random?: RandomSource;
}

/** The decision of {@link computeRetryDelay}. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number; readonly fromRetryAfter: boolean }
  | { readonly retry: false; readonly reason: 'max_attempts' | 'max_elapsed' | 'retry_after_exceeds_caps' };

const DEFAULT_BACKOFF: Backoff = { kind: 'exponential', initialDelayMs: 100, multiplier: 2 };

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `invalid retry policy: ${message}`);
}

function nonNegative(name: string, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && !Number.isNaN(value))) throw invalid(`${name} must be a number >= 0`);
}

/**
 * Validates options and resolves defaults into a {@link RetryPolicy}.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 * @example
 * ```ts
 * const policy = createRetryPolicy({ maxAttempts: 4, backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, jitter: 'equal' });
 * ```
 */
export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw invalid('maxAttempts must be an integer >= 1');
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  switch (backoff.kind) {
    case 'constant':
      nonNegative('backoff.delayMs', backoff.delayMs);
      break;
    case 'linear':
      nonNegative('backoff.initialDelayMs', backoff.initialDelayMs);
      nonNegative('backoff.incrementMs', backoff.incrementMs);
      break;
    case 'exponential':
      nonNegative('backoff.initialDelayMs', backoff.initialDelayMs);
      if (!(backoff.multiplier >= 1)) throw invalid('backoff.multiplier must be >= 1');
      break;
    default:
      throw invalid(`unknown backoff kind (expected constant, linear or exponential)`);
  }
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  nonNegative('maxDelayMs', maxDelayMs);
  // Every delay is capped by maxDelayMs, so a finite cap means a decision never carries an infinite delay.
  if (!Number.isFinite(maxDelayMs)) throw invalid('maxDelayMs must be finite (it caps every delay; use maxAttempts or maxElapsedMs to bound retrying)');
  const maxElapsedMs = options.maxElapsedMs ?? Number.POSITIVE_INFINITY;
  nonNegative('maxElapsedMs', maxElapsedMs);
  const jitter = options.jitter ?? 'full';
  if (jitter !== 'none' && jitter !== 'full' && jitter !== 'equal' && jitter !== 'decorrelated') {
    throw invalid('jitter must be none, full, equal or decorrelated');
  }
  return Object.freeze({ maxAttempts, backoff: Object.freeze({ ...backoff }), maxDelayMs, maxElapsedMs, jitter });
}

function initialDelay(backoff: Backoff): number {
  return backoff.kind === 'constant' ? backoff.delayMs : backoff.initialDelayMs;
}

/**
 * The delay before attempt `attempt + 1` without jitter, capped at `maxDelayMs`. Pure.
 *
 * @example
 * ```ts
 * baseRetryDelay(policy, 3); // exponential 100ms x2: 400
 * ```
 */
export function baseRetryDelay(policy: RetryPolicy, attempt: number): number {
  const b = policy.backoff;
  let delay: number;
  switch (b.kind) {
    case 'constant':
      delay = b.delayMs;
      break;
    case 'linear':
      delay = b.initialDelayMs + b.incrementMs * (attempt - 1);
      break;
    case 'exponential':
      delay = b.initialDelayMs * Math.pow(b.multiplier, attempt - 1);
      break;
  }
  return Math.min(policy.maxDelayMs, Number.isFinite(delay) ? delay : policy.maxDelayMs);
}

/**
 * Decides whether to retry after a failed attempt and how long to wait. Pure: the same input (and
 * random source state) gives the same answer.
 *
 * Rules, in order: no retry once `attempt >= maxAttempts`; a `retryAfterMs` hint is used as the delay
 * when it is `<= maxDelayMs` and the retry would start within `maxElapsedMs`, otherwise the caller is
 * told to stop (`retry_after_exceeds_caps`: retrying before the server asked is pointless); without a
 * hint the jittered backoff delay is used; no retry when it would start after `maxElapsedMs`.
 *
 * @example
 * ```ts
 * const d = computeRetryDelay(policy, { attempt: 2, elapsedMs: 350, random: seededRandom(1) });
 * if (d.retry) await sleep(d.delayMs);
 * ```
 */
export function computeRetryDelay(policy: RetryPolicy, input: RetryDelayInput): RetryDecision {
  const attempt = Math.max(1, input.attempt);
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'max_attempts' };
  const elapsedMs = input.elapsedMs ?? 0;
  const hint = input.retryAfterMs;
  if (hint !== undefined && hint >= 0 && Number.isFinite(hint)) {
    if (hint > policy.maxDelayMs || elapsedMs + hint > policy.maxElapsedMs) return { retry: false, reason: 'retry_after_exceeds_caps' };
    return { retry: true, delayMs: hint, fromRetryAfter: true };
  }
  const random = input.random ?? Math.random;
  const base = baseRetryDelay(policy, attempt);
  let delay: number;
  switch (policy.jitter) {
    case 'none':
      delay = base;
      break;
    case 'full':
      delay = random() * base;
      break;
    case 'equal':
      delay = base / 2 + random() * (base / 2);
      break;
    case 'decorrelated': {
      const low = Math.min(initialDelay(policy.backoff), policy.maxDelayMs);
      const previous = input.previousDelayMs ?? low;
      const high = Math.max(low, Math.min(policy.maxDelayMs, previous * 3));
      delay = low + random() * (high - low);
      break;
    }
  }
  delay = Math.min(policy.maxDelayMs, Math.max(0, delay));
  if (elapsedMs + delay > policy.maxElapsedMs) return { retry: false, reason: 'max_elapsed' };
  return { retry: true, delayMs: delay, fromRetryAfter: false };
}
