/**
 * The calls a component has started and not yet seen settle, so that `close()` can wait for them:
 * what every `Publisher` needs to drain its publishes before it lets go of its client.
 */

/**
 * A set of running calls. `track` adds a call and forgets it once it settles; `settled` resolves when
 * every call tracked so far has settled (fulfilled or rejected; it never rejects).
 *
 * @example
 * ```ts
 * import { InFlightCalls } from '@iap/core';
 *
 * const calls = new InFlightCalls();
 * const result = calls.track(Promise.resolve(42));
 * await calls.settled(); // after result has settled
 * ```
 */
export class InFlightCalls {
  readonly #calls = new Set<Promise<unknown>>();

  /** Tracks `call` until it settles and returns it unchanged (its rejection stays the caller's to handle). */
  track<T>(call: Promise<T>): Promise<T> {
    this.#calls.add(call);
    void call.finally(() => this.#calls.delete(call)).catch(() => undefined);
    return call;
  }

  /** Calls tracked and not settled yet. */
  get size(): number {
    return this.#calls.size;
  }

  /** Resolves once every call tracked so far has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#calls]);
  }
}
