/**
 * A value now, or later: the consume pipeline's hot path stays synchronous (no promise per
 * message) while the handler and the idempotency store are.
 *
 * @example
 * ```ts
 * const handled: MaybePromise<void> = handler(event);
 * ```
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * True for any object with a `then` method (a promise of any library).
 *
 * @example
 * ```ts
 * if (isThenable(result)) await result;
 * ```
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls `run` and continues with `onFulfilled` or `onRejected`: at once when `run` returns a plain
 * value or throws, after it settles when it returns a thenable. One code path for synchronous and
 * asynchronous handlers and stores; no promise is made unless `run` returns one. A throw from
 * `onFulfilled` is not passed to `onRejected`.
 *
 * @example
 * ```ts
 * const outcome = settle(() => handler(event), () => 'handled', () => 'failed'); // a string, or a promise of one
 * ```
 */
export function settle<T, R>(run: () => T | PromiseLike<T>, onFulfilled: (value: T) => MaybePromise<R>, onRejected: (error: unknown) => MaybePromise<R>): MaybePromise<R> {
  let value: T | PromiseLike<T>;
  try {
    value = run();
  } catch (error) {
    return onRejected(error);
  }
  if (isThenable(value)) return Promise.resolve(value).then(onFulfilled, onRejected);
  return onFulfilled(value);
}
