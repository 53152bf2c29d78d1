import { ErrorCode, IapError, systemClock, type Clock, type TypedEventSource } from '@iap/core';
import { RateLimitedError } from './errors/rate-limited-error.js';
import { BucketWindow, checkBucketWindow } from './internal/bucket-window.js';
import { EMPTY_CONTEXT } from './internal/empty-context.js';
import { EventHub } from './internal/event-hub.js';
import { checkInteger, checkName, checkNonNegative, checkPositive, invalidOptions } from './internal/options.js';
import type { ExecutionContext, Policy } from './policy.js';
import { rejection } from './internal/rejection.js';
import { notAFunction } from './internal/not-a-function.js';

/** Options shared by every rate limiter kind. */
interface RateLimiterCommonOptions {
  /** Name used in errors. @defaultValue `'rate-limiter'` */
  name?: string;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** Receives errors thrown by event listeners. @defaultValue reports to `console.error` */
  onListenerError?: (error: unknown, event: string) => void;
}

/**
 * A token bucket: holds up to `capacity` tokens, refilled continuously at `refillPerSecond`; a call takes one.
 *
 * @example
 * ```ts
 * const stripe: TokenBucketOptions = { kind: 'token-bucket', name: 'stripe', capacity: 25, refillPerSecond: 25 };
 * ```
 */
export interface TokenBucketOptions extends RateLimiterCommonOptions {
  readonly kind: 'token-bucket';
  /** The most tokens the bucket holds (the largest burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /** Tokens at creation, from 0 to `capacity`. @defaultValue `capacity` */
  initialTokens?: number;
}

/**
 * A sliding window: at most `limit` permits over the last `windowMs`, counted in `bucketCount` fixed buckets.
 *
 * @example
 * ```ts
 * const hubspot: SlidingWindowOptions = { kind: 'sliding-window', name: 'hubspot', limit: 100, windowMs: 10_000, bucketCount: 20 };
 * ```
 */
export interface SlidingWindowOptions extends RateLimiterCommonOptions {
  readonly kind: 'sliding-window';
  /** Permits allowed per window. */
  limit: number;
  /** The window's length, in whole ms. */
  windowMs: number;
  /** Buckets the window is made of (the precision of `retryAfterMs`; at most one per ms of `windowMs`). @defaultValue `10` */
  bucketCount?: number;
}

/**
 * Options for {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * const options: RateLimiterOptions = { kind: 'sliding-window', name: 'hubspot', limit: 100, windowMs: 10_000 };
 * ```
 */
export type RateLimiterOptions = TokenBucketOptions | SlidingWindowOptions;

/**
 * The answer of `tryAcquire`: admitted, or when to come back.
 *
 * @example
 * ```ts
 * const decision: RateLimitDecision = limiter.tryAcquire();
 * if (!decision.allowed) res.setHeader('Retry-After', Math.ceil(decision.retryAfterMs / 1000));
 * ```
 */
export type RateLimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * Events of a rate limiter.
 *
 * @example
 * ```ts
 * limiter.on('rejected', (e) => metrics.count('hubspot.rate_limited', { permits: e.permits }));
 * ```
 */
export interface RateLimiterEvents {
  /** A request was refused. */
  rejected: { readonly permits: number; readonly retryAfterMs: number };
}

/**
 * A rate limiter; create one with {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * const limiter: RateLimiter = createRateLimiter({ kind: 'token-bucket', capacity: 10, refillPerSecond: 5 });
 * ```
 */
export interface RateLimiter extends Policy, TypedEventSource<RateLimiterEvents> {
  readonly name: string;
  /**
   * Takes `permits` (default 1) when available, otherwise says when to come back. Never waits.
   * @throws IapError `INVALID_OPTIONS` when `permits` is not an integer >= 1 or exceeds what the limiter can ever grant.
   */
  tryAcquire(permits?: number): RateLimitDecision;
}

const COMPONENT = 'rate limiter';
const ALLOWED: RateLimitDecision = Object.freeze({ allowed: true });

abstract class RateLimiterBase implements RateLimiter {
  readonly name: string;
  protected readonly clock: Clock;
  readonly #events: EventHub<RateLimiterEvents>;
  #listenRejected = false;

  constructor(options: RateLimiterCommonOptions) {
    this.name = checkName(COMPONENT, options.name ?? 'rate-limiter');
    this.clock = options.clock ?? systemClock;
    this.#events = new EventHub<RateLimiterEvents>(() => {
      this.#listenRejected = this.#events.has('rejected');
    }, options.onListenerError);
  }

  protected abstract readonly maxPermits: number;
  protected abstract acquire(permits: number, now: number): number;

  tryAcquire(permits = 1): RateLimitDecision {
    if (!Number.isInteger(permits) || permits < 1 || permits > this.maxPermits) {
      throw new IapError(ErrorCode.INVALID_OPTIONS, `rate limiter "${this.name}": permits must be an integer from 1 to ${this.maxPermits}`);
    }
    const retryAfterMs = this.acquire(permits, this.clock.now());
    if (retryAfterMs === 0) return ALLOWED;
    if (this.#listenRejected) this.#events.emit('rejected', { permits, retryAfterMs });
    return { allowed: false, retryAfterMs };
  }

  execute<T, TData = undefined>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<T> {
    if (typeof fn !== 'function') return notAFunction('rate limiter');
    const decision = this.tryAcquire(1);
    if (!decision.allowed) return Promise.reject(new RateLimitedError(this.name, decision.retryAfterMs, 1));
    try {
      return Promise.resolve(fn(context ?? (EMPTY_CONTEXT as ExecutionContext<TData>)));
    } catch (error) {
      return rejection(error);
    }
  }

  on<K extends keyof RateLimiterEvents>(event: K, listener: (payload: RateLimiterEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof RateLimiterEvents>(event: K, listener: (payload: RateLimiterEvents[K]) => void): void {
    this.#events.off(event, listener);
  }
}

/** Floating-point slack so that refills like 0.1 + 0.2 tokens still add up to whole tokens. */
const EPSILON = 1e-9;

class TokenBucketLimiter extends RateLimiterBase {
  protected readonly maxPermits: number;
  readonly #capacity: number;
  readonly #tokensPerMs: number;
  #tokens: number;
  #lastRefillMs: number;

  constructor(options: TokenBucketOptions) {
    super(options);
    this.#capacity = checkPositive(COMPONENT, 'capacity', options.capacity);
    this.maxPermits = Math.floor(this.#capacity);
    if (this.maxPermits < 1) throw invalidOptions(COMPONENT, 'capacity must be >= 1');
    this.#tokensPerMs = checkPositive(COMPONENT, 'refillPerSecond', options.refillPerSecond) / 1000;
    this.#tokens = checkNonNegative(COMPONENT, 'initialTokens', options.initialTokens ?? this.#capacity);
    if (this.#tokens > this.#capacity) throw invalidOptions(COMPONENT, 'initialTokens must be <= capacity (the bucket never holds more)');
    this.#lastRefillMs = this.clock.now();
  }

  protected acquire(permits: number, now: number): number {
    if (now > this.#lastRefillMs) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#lastRefillMs) * this.#tokensPerMs);
      this.#lastRefillMs = now;
    }
    if (this.#tokens + EPSILON >= permits) {
      this.#tokens = Math.max(0, this.#tokens - permits);
      return 0;
    }
    return Math.max(1, Math.ceil((permits - this.#tokens - EPSILON) / this.#tokensPerMs));
  }
}

class SlidingWindowLimiter extends RateLimiterBase {
  protected readonly maxPermits: number;
  readonly #window: BucketWindow;

  constructor(options: SlidingWindowOptions) {
    super(options);
    this.maxPermits = checkInteger(COMPONENT, 'limit', options.limit, 1);
    const windowMs = options.windowMs;
    const bucketCount = options.bucketCount ?? 10;
    checkBucketWindow(COMPONENT, 'windowMs', windowMs, 'bucketCount', bucketCount);
    this.#window = new BucketWindow(windowMs, bucketCount, 1);
  }

  protected acquire(permits: number, now: number): number {
    const window = this.#window;
    window.advance(now);
    if (window.total(0) + permits <= this.maxPermits) {
      window.add(now, 0, permits);
      return 0;
    }
    return Math.max(1, Math.ceil(window.msUntilTotalAtMost(now, 0, this.maxPermits - permits)));
  }
}

/**
 * Creates a rate limiter, a token bucket or a sliding window. A refusal always says when to come
 * back (`retryAfterMs`): `tryAcquire` returns it, `execute` rejects with `RateLimitedError` carrying
 * it. O(1) per call, no timers.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 * @example
 * ```ts
 * const hubspot = createRateLimiter({ kind: 'sliding-window', name: 'hubspot', limit: 100, windowMs: 10_000 });
 * const decision = hubspot.tryAcquire();
 * if (!decision.allowed) return reply(429, { retryAfterMs: decision.retryAfterMs });
 *
 * const stripe = createRateLimiter({ kind: 'token-bucket', capacity: 25, refillPerSecond: 25 });
 * await stripe.execute(() => charge(order)); // RateLimitedError when empty
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (typeof options !== 'object' || options === null) throw invalidOptions(COMPONENT, "options must be an object with kind 'token-bucket' or 'sliding-window'");
  if (options.kind === 'token-bucket') return new TokenBucketLimiter(options);
  if (options.kind === 'sliding-window') return new SlidingWindowLimiter(options);
  throw invalidOptions(COMPONENT, "kind must be 'token-bucket' or 'sliding-window'");
}
