import { abortedError, systemClock, type Clock, type TypedEventSource } from '@iap/core';
import { TimeoutError } from './errors/timeout-error.js';
import { EMPTY_CONTEXT } from './internal/empty-context.js';
import { EventHub } from './internal/event-hub.js';
import { checkPositive, invalidOptions } from './internal/options.js';
import type { ExecutionContext, Policy } from './policy.js';
import { rejection } from './internal/rejection.js';
import { notAFunction } from './internal/not-a-function.js';

/**
 * - `cooperative`: at the deadline the callee's `signal` aborts (reason: a `TimeoutError`) and the
 *   policy waits for the callee to stop; a callee that still returns a value has its value returned.
 * - `aggressive`: at the deadline the signal aborts and the call rejects at once with
 *   `TimeoutError`; whatever the callee does later is ignored.
 *
 * @example
 * ```ts
 * const strategy: TimeoutStrategy = calleeHonoursSignal ? 'cooperative' : 'aggressive';
 * ```
 */
export type TimeoutStrategy = 'cooperative' | 'aggressive';

/**
 * Options for {@link createTimeout}.
 *
 * @example
 * ```ts
 * const options: TimeoutOptions = { timeoutMs: 2_000, strategy: 'cooperative' };
 * ```
 */
export interface TimeoutOptions {
  /** The deadline of each call, in milliseconds. */
  timeoutMs: number;
  /** @defaultValue `'cooperative'` */
  strategy?: TimeoutStrategy;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** Receives errors thrown by event listeners. @defaultValue reports to `console.error` */
  onListenerError?: (error: unknown, event: string) => void;
}

/**
 * Events of a timeout policy.
 *
 * @example
 * ```ts
 * timeout.on('timeout', (e) => metrics.count('crm.timeout', { timeoutMs: e.timeoutMs }));
 * ```
 */
export interface TimeoutEvents {
  /** A call reached its deadline. */
  timeout: { readonly timeoutMs: number; readonly strategy: TimeoutStrategy };
}

/**
 * A timeout policy; create one with {@link createTimeout}.
 *
 * @example
 * ```ts
 * const timeout: Timeout = createTimeout({ timeoutMs: 1_500, strategy: 'aggressive' });
 * ```
 */
export interface Timeout extends Policy, TypedEventSource<TimeoutEvents> {
  readonly timeoutMs: number;
  readonly strategy: TimeoutStrategy;
}

const COMPONENT = 'timeout';

class TimeoutImpl implements Timeout {
  readonly timeoutMs: number;
  readonly strategy: TimeoutStrategy;
  readonly #clock: Clock;
  readonly #events: EventHub<TimeoutEvents>;
  #listenTimeout = false;

  constructor(options: TimeoutOptions) {
    if (typeof options !== 'object' || options === null) throw invalidOptions(COMPONENT, 'options must be an object with timeoutMs');
    this.timeoutMs = checkPositive(COMPONENT, 'timeoutMs', options.timeoutMs);
    const strategy = options.strategy ?? 'cooperative';
    if (strategy !== 'cooperative' && strategy !== 'aggressive') throw invalidOptions(COMPONENT, "strategy must be 'cooperative' or 'aggressive'");
    this.strategy = strategy;
    this.#clock = options.clock ?? systemClock;
    this.#events = new EventHub<TimeoutEvents>(() => {
      this.#listenTimeout = this.#events.has('timeout');
    }, options.onListenerError);
  }

  execute<T, TData = undefined>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<T> {
    if (typeof fn !== 'function') return notAFunction('timeout');
    const ctx = context ?? (EMPTY_CONTEXT as ExecutionContext<TData>);
    const parent = ctx.signal;
    if (parent?.aborted) return Promise.reject(abortedError(parent, 'call'));
    const clock = this.#clock;
    const timeoutMs = this.timeoutMs;
    const aggressive = this.strategy === 'aggressive';
    const controller = new AbortController();
    const child: ExecutionContext<TData> = { signal: controller.signal, data: ctx.data };
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timeoutError: TimeoutError | undefined;
      const cleanup = (): void => {
        clock.clearTimeout(timer);
        parent?.removeEventListener('abort', onParentAbort);
      };
      const onParentAbort = (): void => {
        controller.abort(parent?.reason);
        if (aggressive && !settled) {
          settled = true;
          cleanup();
          reject(abortedError(parent, 'call'));
        }
      };
      const timer = clock.setTimeout(() => {
        timeoutError = new TimeoutError(timeoutMs);
        if (this.#listenTimeout) this.#events.emit('timeout', { timeoutMs, strategy: this.strategy });
        controller.abort(timeoutError);
        if (aggressive && !settled) {
          settled = true;
          parent?.removeEventListener('abort', onParentAbort);
          reject(timeoutError);
        }
      }, timeoutMs);
      parent?.addEventListener('abort', onParentAbort, { once: true });
      let result: T | PromiseLike<T>;
      try {
        result = fn(child);
      } catch (error) {
        result = rejection(error);
      }
      Promise.resolve(result).then(
        (value) => {
          if (settled) return;
          settled = true;
          cleanup();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          cleanup();
          if (timeoutError === undefined || error === timeoutError) resolve(rejection(error));
          else reject(new TimeoutError(timeoutMs, error));
        },
      );
    });
  }

  on<K extends keyof TimeoutEvents>(event: K, listener: (payload: TimeoutEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof TimeoutEvents>(event: K, listener: (payload: TimeoutEvents[K]) => void): void {
    this.#events.off(event, listener);
  }
}

/**
 * Creates a timeout policy. Each call gets an `AbortSignal` (linked to the caller's) that aborts at
 * the deadline; the timer and the listener on the caller's signal are removed as soon as the call
 * settles.
 *
 * @throws IapError `INVALID_OPTIONS` when `timeoutMs` is not a positive finite number or `strategy` is unknown.
 * @example
 * ```ts
 * const timeout = createTimeout({ timeoutMs: 2_000 });
 * const account = await timeout.execute(({ signal }) => fetch(`${crmUrl}/accounts/42`, { signal: signal ?? null }).then((r) => r.json()));
 * ```
 */
export function createTimeout(options: TimeoutOptions): Timeout {
  return new TimeoutImpl(options);
}
