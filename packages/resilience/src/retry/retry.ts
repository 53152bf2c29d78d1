import {
  abortedError,
  computeRetryDelay,
  createRetryPolicy,
  isRetryableError,
  rejectUnknownOptions,
  RETRY_POLICY_OPTION_NAMES,
  readRetryAfterMs,
  sleep,
  systemClock,
  type Clock,
  type RandomSource,
  type RetryPolicy,
  type RetryPolicyOptions,
  type TypedEventSource,
} from '@iap/core';
import { isNonRetriableError } from '../errors/non-retriable-error.js';
import { RetryBudgetExhaustedError } from '../errors/retry-budget-exhausted-error.js';
import { RetryExhaustedError, type RetryGiveUpReason } from '../errors/retry-exhausted-error.js';
import { EMPTY_CONTEXT } from '../internal/empty-context.js';
import { EventHub } from '../internal/event-hub.js';
import { checkFunction, invalidOptions } from '../internal/options.js';
import type { ExecutionContext, Policy } from '../policy.js';
import type { RetryBudget } from './retry-budget.js';
import { rejection } from '../internal/rejection.js';
import { notAFunction } from '../internal/not-a-function.js';

/**
 * Options for {@link createRetry}: core's retry policy (`maxAttempts`, `backoff`, `maxDelayMs`,
 * `maxElapsedMs`, `jitter`, with core's defaults) plus what to retry.
 *
 * @example
 * ```ts
 * const options: RetryOptions = { maxAttempts: 4, jitter: 'equal', shouldRetry: (error) => !isValidationError(error) };
 * ```
 */
export interface RetryOptions extends RetryPolicyOptions {
  /**
   * Whether an error is worth retrying (`attempt` = attempts made so far). A `NonRetriableError`
   * is never retried, whatever this says.
   * @defaultValue core's `isRetryableError`: retry every error except `NonRetriableError`, aborts, programming errors (`TypeError`, `RangeError`, `SyntaxError`, `ReferenceError`) and `IapError`s with `retryable: false`
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Whether a returned value should be retried (an HTTP 503 response). @defaultValue never */
  shouldRetryResult?: (result: unknown, attempt: number) => boolean;
  /** Reads a Retry-After hint (ms) from an error; the hint wins over the backoff when it fits the caps. @defaultValue core's `readRetryAfterMs` (`error.retryAfterMs`) */
  readRetryAfter?: (error: unknown) => number | undefined;
  /** A shared budget that caps retries to a fraction of recent calls. @defaultValue none */
  budget?: RetryBudget;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** Source of jitter. @defaultValue `Math.random` */
  random?: RandomSource;
  /** Receives errors thrown by event listeners. @defaultValue reports to `console.error` */
  onListenerError?: (error: unknown, event: string) => void;
}

/**
 * Why a retry policy stopped without success.
 *
 * @example
 * ```ts
 * retryErp.on('giveUp', (e) => metrics.count('retry.give_up', { reason: e.reason satisfies RetryStopReason }));
 * ```
 */
export type RetryStopReason = RetryGiveUpReason | 'non-retriable' | 'budget' | 'aborted';

/**
 * Events of a retry policy.
 *
 * @example
 * ```ts
 * retryErp.on('giveUp', (e) => log.error({ attempts: e.attempts, reason: e.reason }, 'ERP call failed'));
 * ```
 */
export interface RetryEvents {
  /** A retry is scheduled after attempt `attempt` failed (with `error`, or with a `result` that `shouldRetryResult` rejected). */
  retry: { readonly attempt: number; readonly delayMs: number; readonly fromRetryAfter: boolean; readonly error: unknown; readonly result: unknown };
  /** The policy stopped without success. */
  giveUp: { readonly attempts: number; readonly reason: RetryStopReason; readonly error: unknown };
}

/**
 * A retry policy; create one with {@link createRetry}.
 *
 * @example
 * ```ts
 * const retryErp: Retry = createRetry({ maxAttempts: 3 });
 * console.log(retryErp.policy.backoff);
 * ```
 */
export interface Retry extends Policy, TypedEventSource<RetryEvents> {
  /** The resolved core retry policy (plain data). */
  readonly policy: RetryPolicy;
}

const COMPONENT = 'retry';

/** The default retry predicate (see {@link RetryOptions.shouldRetry}). */
const defaultShouldRetry = isRetryableError;

const RETRY_OWN_OPTION_KEYS: Record<Exclude<keyof RetryOptions, keyof RetryPolicyOptions>, true> = {
  shouldRetry: true,
  shouldRetryResult: true,
  readRetryAfter: true,
  budget: true,
  clock: true,
  random: true,
  onListenerError: true,
};
const RETRY_OPTION_NAMES: readonly string[] = [...RETRY_POLICY_OPTION_NAMES, ...Object.keys(RETRY_OWN_OPTION_KEYS)];

class RetryImpl implements Retry {
  readonly policy: RetryPolicy;
  readonly #shouldRetry: (error: unknown, attempt: number) => boolean;
  readonly #shouldRetryResult: ((result: unknown, attempt: number) => boolean) | undefined;
  readonly #readRetryAfter: (error: unknown) => number | undefined;
  readonly #budget: RetryBudget | undefined;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #timesElapsed: boolean;
  readonly #events: EventHub<RetryEvents>;
  #listenRetry = false;
  #listenGiveUp = false;

  constructor(options: RetryOptions) {
    if (typeof options !== 'object' || options === null) throw invalidOptions(COMPONENT, 'options must be an object');
    rejectUnknownOptions(options, RETRY_OPTION_NAMES, COMPONENT);
    try {
      this.policy = createRetryPolicy(options);
    } catch (error) {
      throw invalidOptions(COMPONENT, (error as Error).message);
    }
    checkFunction(COMPONENT, 'shouldRetry', options.shouldRetry);
    checkFunction(COMPONENT, 'shouldRetryResult', options.shouldRetryResult);
    checkFunction(COMPONENT, 'readRetryAfter', options.readRetryAfter);
    checkFunction(COMPONENT, 'random', options.random);
    if (options.budget !== undefined && (typeof options.budget.recordCall !== 'function' || typeof options.budget.tryAcquireRetry !== 'function')) {
      throw invalidOptions(COMPONENT, 'budget must come from createRetryBudget() (recordCall, tryAcquireRetry)');
    }
    this.#shouldRetry = options.shouldRetry ?? defaultShouldRetry;
    this.#shouldRetryResult = options.shouldRetryResult;
    this.#readRetryAfter = options.readRetryAfter ?? readRetryAfterMs;
    this.#budget = options.budget;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#timesElapsed = Number.isFinite(this.policy.maxElapsedMs);
    this.#events = new EventHub<RetryEvents>(() => {
      this.#listenRetry = this.#events.has('retry');
      this.#listenGiveUp = this.#events.has('giveUp');
    }, options.onListenerError);
  }

  execute<T, TData = undefined>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<T> {
    if (typeof fn !== 'function') return notAFunction('retry');
    const ctx = context ?? (EMPTY_CONTEXT as ExecutionContext<TData>);
    if (ctx.signal?.aborted) return Promise.reject(abortedError(ctx.signal, 'retried call'));
    this.#budget?.recordCall();
    const startMs = this.#timesElapsed ? this.#clock.now() : 0;
    if (this.#shouldRetryResult !== undefined) return this.#attemptThenLoop(fn, ctx, startMs);
    let result: T | PromiseLike<T>;
    try {
      result = fn(ctx);
    } catch (error) {
      result = rejection(error);
    }
    // first attempt: one reaction, no async frame; the loop starts only after a failure
    return Promise.resolve(result).then(undefined, (error: unknown) => this.#loop(fn, ctx, startMs, 1, true, error, [error]));
  }

  async #attemptThenLoop<T, TData>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, ctx: ExecutionContext<TData>, startMs: number): Promise<T> {
    let value: T;
    try {
      value = await fn(ctx);
    } catch (error) {
      return this.#loop(fn, ctx, startMs, 1, true, error, [error]);
    }
    if (!this.#retryResult(value, 1)) return value;
    return this.#loop(fn, ctx, startMs, 1, false, value, []);
  }

  #retryResult(value: unknown, attempt: number): boolean {
    const predicate = this.#shouldRetryResult;
    if (predicate === undefined) return false;
    try {
      return predicate(value, attempt);
    } catch {
      return false;
    }
  }

  #retryError(error: unknown, attempt: number): boolean {
    if (isNonRetriableError(error)) return false;
    try {
      return this.#shouldRetry(error, attempt);
    } catch {
      return false;
    }
  }

  /**
   * Continues after attempt `attempt` ended with `outcome` (an error when `threw`, else a value
   * `shouldRetryResult` rejected). `errors` holds every attempt's error so far.
   */
  async #loop<T, TData>(
    fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>,
    ctx: ExecutionContext<TData>,
    startMs: number,
    attempt: number,
    threw: boolean,
    outcome: unknown,
    errors: unknown[],
  ): Promise<T> {
    let previousDelayMs: number | undefined;
    for (;;) {
      const signal = ctx.signal;
      if (signal?.aborted) {
        this.#giveUp(attempt, 'aborted', outcome);
        throw abortedError(signal, 'retried call');
      }
      if (threw && !this.#retryError(outcome, attempt)) {
        this.#giveUp(attempt, 'non-retriable', outcome);
        throw outcome;
      }
      const decision = computeRetryDelay(this.policy, {
        attempt,
        elapsedMs: this.#timesElapsed ? this.#clock.now() - startMs : 0,
        ...(previousDelayMs === undefined ? {} : { previousDelayMs }),
        retryAfterMs: threw ? this.#hint(outcome) : undefined,
        random: this.#random,
      });
      if (!decision.retry) {
        this.#giveUp(attempt, decision.reason, outcome);
        if (!threw) return outcome as T;
        throw new RetryExhaustedError(errors, decision.reason);
      }
      if (this.#budget !== undefined && !this.#budget.tryAcquireRetry()) {
        this.#giveUp(attempt, 'budget', outcome);
        if (!threw) return outcome as T;
        throw new RetryBudgetExhaustedError(errors);
      }
      if (this.#listenRetry) {
        this.#events.emit('retry', { attempt, delayMs: decision.delayMs, fromRetryAfter: decision.fromRetryAfter, error: threw ? outcome : undefined, result: threw ? undefined : outcome });
      }
      try {
        await sleep(decision.delayMs, { clock: this.#clock, signal });
      } catch (error) {
        this.#giveUp(attempt, 'aborted', outcome);
        throw error;
      }
      previousDelayMs = decision.delayMs;
      attempt++;
      try {
        const value = await fn(ctx);
        if (!this.#retryResult(value, attempt)) return value;
        threw = false;
        outcome = value;
      } catch (error) {
        threw = true;
        outcome = error;
        errors.push(error);
      }
    }
  }

  #hint(error: unknown): number | undefined {
    try {
      return this.#readRetryAfter(error);
    } catch {
      return undefined;
    }
  }

  #giveUp(attempts: number, reason: RetryStopReason, outcome: unknown): void {
    if (this.#listenGiveUp) this.#events.emit('giveUp', { attempts, reason, error: outcome });
  }

  on<K extends keyof RetryEvents>(event: K, listener: (payload: RetryEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof RetryEvents>(event: K, listener: (payload: RetryEvents[K]) => void): void {
    this.#events.off(event, listener);
  }
}

/**
 * Creates a retry policy on core's retry maths (backoff kinds, jitter, caps, total deadline).
 * Retries stop at `maxAttempts`, at `maxElapsedMs`, on a `NonRetriableError`, when `shouldRetry`
 * says no, when the `budget` is spent, or when the call's `AbortSignal` aborts (which also cuts the
 * sleep between attempts short). The first attempt allocates one promise reaction; nothing more
 * happens until it fails.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 * @example
 * ```ts
 * const retryErp = createRetry({ maxAttempts: 4, backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, jitter: 'full' });
 * retryErp.on('retry', (e) => log.warn({ attempt: e.attempt, delayMs: e.delayMs }, 'retrying ERP call'));
 * const order = await retryErp.execute(({ signal }) => erp.getOrder(id, { signal }), { signal: request.signal, data: undefined });
 * ```
 */
export function createRetry(options: RetryOptions = {}): Retry {
  return new RetryImpl(options);
}

/**
 * Options of the one-off {@link retry} function.
 *
 * @example
 * ```ts
 * await retry(() => syncContacts(), { maxAttempts: 3, signal: AbortSignal.timeout(10_000) });
 * ```
 */
export interface RetryCallOptions extends RetryOptions {
  /** Aborts the call and the wait between attempts. @defaultValue none */
  signal?: AbortSignal;
}

/**
 * Runs `fn` with retries once (a policy created for this call). Keep a {@link createRetry} policy
 * when calling often: it validates options once and carries events.
 *
 * @throws `RetryExhaustedError` (every attempt's error kept), `RetryBudgetExhaustedError`, the
 * error itself when it is not retriable, or IapError `ABORTED`.
 * @example
 * ```ts
 * const rates = await retry(({ signal }) => fetchRates({ signal }), { maxAttempts: 3, signal: AbortSignal.timeout(5_000) });
 * ```
 */
export function retry<T>(fn: (context: ExecutionContext) => T | PromiseLike<T>, options: RetryCallOptions = {}): Promise<T> {
  const { signal, ...rest } = options;
  return createRetry(rest).execute(fn, { signal, data: undefined });
}
