import { ErrorCode, hasErrorCode, type TypedEventSource } from '@iap/core';
import { EMPTY_CONTEXT } from './internal/empty-context.js';
import { EventHub } from './internal/event-hub.js';
import { checkFunction, invalidOptions } from './internal/options.js';
import type { ExecutionContext, Policy } from './policy.js';
import { rejection } from './internal/rejection.js';
import { notAFunction } from './internal/not-a-function.js';

/** Options shared by both fallback forms. */
interface FallbackCommonOptions {
  /** Which errors the fallback answers; the others are rethrown. @defaultValue every error except `ABORTED` (the caller gave up) */
  shouldHandle?: (error: unknown) => boolean;
  /** Receives errors thrown by event listeners. @defaultValue reports to `console.error` */
  onListenerError?: (error: unknown, event: string) => void;
}

/**
 * Options for {@link createFallback}: a fixed `value`, or a `fallback` function of the error.
 *
 * @example
 * ```ts
 * const options: FallbackOptions<null> = { value: null, shouldHandle: isCircuitOpenError };
 * ```
 */
export type FallbackOptions<TFallback> =
  | (FallbackCommonOptions & { readonly value: TFallback })
  | (FallbackCommonOptions & { readonly fallback: (error: unknown, context: ExecutionContext<unknown>) => TFallback | PromiseLike<TFallback> });

/**
 * Events of a fallback policy.
 *
 * @example
 * ```ts
 * cachedPrices.on('fallback', (e) => log.warn({ error: e.error }, 'served prices from cache'));
 * ```
 */
export interface FallbackEvents {
  /** The fallback answered instead of the call. */
  fallback: { readonly error: unknown };
}

/**
 * A fallback policy; create one with {@link createFallback}. Its calls resolve to the call's result or the fallback's.
 *
 * @example
 * ```ts
 * const cachedPrices: Fallback<Price[]> = createFallback({ fallback: () => priceCache.all() });
 * ```
 */
export interface Fallback<TFallback> extends Policy<TFallback>, TypedEventSource<FallbackEvents> {}

const COMPONENT = 'fallback';

function defaultShouldHandle(error: unknown): boolean {
  return !hasErrorCode(error, ErrorCode.ABORTED);
}

class FallbackImpl<TFallback> implements Fallback<TFallback> {
  readonly #produce: (error: unknown, context: ExecutionContext<unknown>) => TFallback | PromiseLike<TFallback>;
  readonly #shouldHandle: (error: unknown) => boolean;
  readonly #events: EventHub<FallbackEvents>;
  #listenFallback = false;

  constructor(options: FallbackOptions<TFallback>) {
    if (typeof options !== 'object' || options === null) throw invalidOptions(COMPONENT, 'options must be an object with value or fallback');
    const hasValue = 'value' in options;
    const hasFunction = 'fallback' in options;
    if (hasValue === hasFunction) throw invalidOptions(COMPONENT, 'give exactly one of value (a fixed result) or fallback (a function of the error)');
    if (hasFunction) {
      checkFunction(COMPONENT, 'fallback', options.fallback);
      this.#produce = options.fallback;
    } else {
      const value = options.value;
      this.#produce = () => value;
    }
    checkFunction(COMPONENT, 'shouldHandle', options.shouldHandle);
    this.#shouldHandle = options.shouldHandle ?? defaultShouldHandle;
    this.#events = new EventHub<FallbackEvents>(() => {
      this.#listenFallback = this.#events.has('fallback');
    }, options.onListenerError);
  }

  execute<T, TData = undefined>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<T | TFallback> {
    if (typeof fn !== 'function') return notAFunction('fallback');
    const ctx = context ?? (EMPTY_CONTEXT as ExecutionContext<TData>);
    let result: T | PromiseLike<T>;
    try {
      result = fn(ctx);
    } catch (error) {
      result = rejection(error);
    }
    return Promise.resolve(result).then(undefined, (error: unknown) => this.#answer(error, ctx));
  }

  #answer(error: unknown, context: ExecutionContext<unknown>): TFallback | PromiseLike<TFallback> {
    let handle: boolean;
    try {
      handle = this.#shouldHandle(error);
    } catch {
      handle = false; // a broken predicate must not hide the call's own error
    }
    if (!handle) throw error;
    if (this.#listenFallback) this.#events.emit('fallback', { error });
    return this.#produce(error, context);
  }

  on<K extends keyof FallbackEvents>(event: K, listener: (payload: FallbackEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof FallbackEvents>(event: K, listener: (payload: FallbackEvents[K]) => void): void {
    this.#events.off(event, listener);
  }
}

/**
 * Creates a fallback policy: when the call fails with an error `shouldHandle` accepts, the call
 * resolves to `value` or to what `fallback(error, context)` returns instead. A throwing
 * `shouldHandle` counts as "not handled" (the call's own error comes back); a throwing `fallback`
 * rejects the call with its error.
 *
 * @throws IapError `INVALID_OPTIONS` unless exactly one of `value` / `fallback` is given.
 * @example
 * ```ts
 * const cachedPrices = createFallback({ fallback: () => priceCache.get(), shouldHandle: (error) => isCircuitOpenError(error) || isTimeoutError(error) });
 * const prices = await cachedPrices.execute(() => pricing.fetchAll());
 * ```
 */
export function createFallback<TFallback>(options: FallbackOptions<TFallback>): Fallback<TFallback> {
  return new FallbackImpl(options);
}
