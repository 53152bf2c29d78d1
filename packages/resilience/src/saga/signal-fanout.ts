/**
 * @internal Shares one `abort` listener per signal among many subscribers, so a signal used by
 * hundreds of concurrent saga runs (a shutdown signal, the saga's close signal) carries one
 * listener, not hundreds (and Node does not warn about a listener leak).
 */
export class SignalFanout {
  readonly #subscribers = new WeakMap<AbortSignal, Set<() => void>>();

  /** Calls `callback` once when `signal` aborts (at once if it already has); returns the unsubscribe. */
  subscribe(signal: AbortSignal, callback: () => void): () => void {
    if (signal.aborted) {
      callback();
      return () => undefined;
    }
    let set = this.#subscribers.get(signal);
    if (set === undefined) {
      const subscribers = new Set<() => void>();
      set = subscribers;
      this.#subscribers.set(signal, subscribers);
      signal.addEventListener(
        'abort',
        () => {
          this.#subscribers.delete(signal);
          for (const subscriber of [...subscribers]) subscriber();
        },
        { once: true },
      );
    }
    const subscribers = set;
    subscribers.add(callback);
    return () => {
      subscribers.delete(callback);
    };
  }
}
