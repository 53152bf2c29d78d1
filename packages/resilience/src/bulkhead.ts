import { abortedError, systemClock, type Clock, type TimerHandle, type TypedEventSource } from '@iap/core';
import { BulkheadRejectedError, type BulkheadRejectionReason } from './errors/bulkhead-rejected-error.js';
import { EMPTY_CONTEXT } from './internal/empty-context.js';
import { EventHub } from './internal/event-hub.js';
import { checkInteger, checkPositive, invalidOptions } from './internal/options.js';
import type { ExecutionContext, Policy } from './policy.js';
import { rejection } from './internal/rejection.js';
import { notAFunction } from './internal/not-a-function.js';

/**
 * Options for {@link createBulkhead}.
 *
 * @example
 * ```ts
 * const options: BulkheadOptions = { maxConcurrent: 8, maxQueue: 50, queueTimeoutMs: 500 };
 * ```
 */
export interface BulkheadOptions {
  /** Calls allowed to run at the same time. */
  maxConcurrent: number;
  /** Calls allowed to wait for a slot; more are rejected at once. @defaultValue `0` */
  maxQueue?: number;
  /** The longest a call waits in the queue before it is rejected. @defaultValue `Infinity` */
  queueTimeoutMs?: number;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** Receives errors thrown by event listeners. @defaultValue reports to `console.error` */
  onListenerError?: (error: unknown, event: string) => void;
}

/**
 * Events of a bulkhead.
 *
 * @example
 * ```ts
 * erpSlots.on('rejected', (e) => metrics.count('erp.bulkhead_rejected', { reason: e.reason }));
 * ```
 */
export interface BulkheadEvents {
  /** A call was rejected. */
  rejected: { readonly reason: BulkheadRejectionReason; readonly active: number; readonly queued: number };
}

/**
 * A point-in-time view of a bulkhead.
 *
 * @example
 * ```ts
 * const { active, queued } = erpSlots.stats();
 * ```
 */
export interface BulkheadStats {
  readonly active: number;
  readonly queued: number;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
}

/**
 * A bulkhead; create one with {@link createBulkhead}.
 *
 * @example
 * ```ts
 * const erpSlots: Bulkhead = createBulkhead({ maxConcurrent: 4 });
 * console.log(erpSlots.stats().active);
 * ```
 */
export interface Bulkhead extends Policy, TypedEventSource<BulkheadEvents> {
  stats(): BulkheadStats;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
  timer: TimerHandle | undefined;
  onAbort: (() => void) | undefined;
}

const COMPONENT = 'bulkhead';

class BulkheadImpl implements Bulkhead {
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #queueTimeoutMs: number;
  readonly #clock: Clock;
  readonly #events: EventHub<BulkheadEvents>;
  #listenRejected = false;
  #active = 0;
  #queued = 0;
  #head: Waiter | undefined;
  #tail: Waiter | undefined;

  readonly #onValue = (value: unknown): unknown => {
    this.#release();
    return value;
  };

  readonly #onError = (error: unknown): never => {
    this.#release();
    throw error;
  };

  constructor(options: BulkheadOptions) {
    if (typeof options !== 'object' || options === null) throw invalidOptions(COMPONENT, 'options must be an object with maxConcurrent');
    this.#maxConcurrent = checkInteger(COMPONENT, 'maxConcurrent', options.maxConcurrent, 1);
    this.#maxQueue = checkInteger(COMPONENT, 'maxQueue', options.maxQueue ?? 0, 0);
    this.#queueTimeoutMs = checkPositive(COMPONENT, 'queueTimeoutMs', options.queueTimeoutMs ?? Number.POSITIVE_INFINITY, true);
    this.#clock = options.clock ?? systemClock;
    this.#events = new EventHub<BulkheadEvents>(() => {
      this.#listenRejected = this.#events.has('rejected');
    }, options.onListenerError);
  }

  execute<T, TData = undefined>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<T> {
    if (typeof fn !== 'function') return notAFunction('bulkhead');
    const ctx = context ?? (EMPTY_CONTEXT as ExecutionContext<TData>);
    if (ctx.signal?.aborted) return Promise.reject(abortedError(ctx.signal, 'call'));
    if (this.#active < this.#maxConcurrent) {
      this.#active++;
      return this.#run(fn, ctx);
    }
    if (this.#queued >= this.#maxQueue) return Promise.reject(this.#rejection('queue-full'));
    return this.#enqueue(ctx.signal).then(() => {
      if (ctx.signal?.aborted) {
        this.#release();
        throw abortedError(ctx.signal, 'queued call');
      }
      return this.#run(fn, ctx);
    });
  }

  #run<T, TData>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, ctx: ExecutionContext<TData>): Promise<T> {
    let result: T | PromiseLike<T>;
    try {
      result = fn(ctx);
    } catch (error) {
      result = rejection(error);
    }
    return Promise.resolve(result).then(this.#onValue, this.#onError) as Promise<T>;
  }

  /** Frees a slot and hands it to the oldest waiter, if any. */
  #release(): void {
    const waiter = this.#head;
    if (waiter === undefined) {
      this.#active--;
      return;
    }
    this.#unlink(waiter);
    waiter.resolve(); // the slot passes to the waiter: #active is unchanged
  }

  #enqueue(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, prev: this.#tail, next: undefined, timer: undefined, onAbort: undefined };
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.#queued++;
      if (Number.isFinite(this.#queueTimeoutMs)) {
        waiter.timer = this.#clock.setTimeout(() => {
          waiter.timer = undefined;
          this.#unlink(waiter);
          reject(this.#rejection('queue-timeout'));
        }, this.#queueTimeoutMs);
      }
      if (signal !== undefined) {
        waiter.onAbort = () => {
          waiter.onAbort = undefined;
          this.#unlink(waiter);
          reject(abortedError(signal, 'queued call'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  /** Removes a waiter from the queue and drops its timer and abort listener. */
  #unlink(waiter: Waiter): void {
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.#queued--;
    if (waiter.timer !== undefined) this.#clock.clearTimeout(waiter.timer);
    waiter.timer = undefined;
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.onAbort = undefined;
  }

  #rejection(reason: BulkheadRejectionReason): BulkheadRejectedError {
    if (this.#listenRejected) this.#events.emit('rejected', { reason, active: this.#active, queued: this.#queued });
    return new BulkheadRejectedError(reason, { maxConcurrent: this.#maxConcurrent, maxQueue: this.#maxQueue, queueTimeoutMs: this.#queueTimeoutMs });
  }

  stats(): BulkheadStats {
    return { active: this.#active, queued: this.#queued, maxConcurrent: this.#maxConcurrent, maxQueue: this.#maxQueue };
  }

  on<K extends keyof BulkheadEvents>(event: K, listener: (payload: BulkheadEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof BulkheadEvents>(event: K, listener: (payload: BulkheadEvents[K]) => void): void {
    this.#events.off(event, listener);
  }
}

/**
 * Creates a bulkhead: at most `maxConcurrent` calls run at once, up to `maxQueue` more wait in FIFO
 * order for at most `queueTimeoutMs`, the rest are rejected at once with `BulkheadRejectedError`. A
 * queued call whose signal aborts leaves the queue at once (its place goes to the next caller).
 * A running call keeps its slot until it settles, even when its caller aborted.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 * @example
 * ```ts
 * const erpSlots = createBulkhead({ maxConcurrent: 8, maxQueue: 100, queueTimeoutMs: 1_000 });
 * const invoice = await erpSlots.execute(() => erp.createInvoice(order));
 * ```
 */
export function createBulkhead(options: BulkheadOptions): Bulkhead {
  return new BulkheadImpl(options);
}
