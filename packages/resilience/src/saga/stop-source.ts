/**
 * @internal A stop flag with callbacks and an `AbortSignal` made only when somebody reads it.
 * Creating an AbortController and wiring its listeners costs microseconds in Node; a saga step
 * that never looks at its signal should not pay that on every attempt.
 */
export class StopSource {
  #stopped = false;
  #reason: unknown;
  #controller: AbortController | undefined;
  readonly #callbacks = new Set<() => void>();

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Why it stopped (undefined while running). */
  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts, with the stop reason, when this source stops; created on first read. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#stopped) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Stops once: sets the reason, aborts the signal (if made) and calls every callback. */
  stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const callbacks = [...this.#callbacks];
    this.#callbacks.clear();
    for (const callback of callbacks) callback();
  }

  /** Calls `callback` when this source stops (at once if it has); returns the unsubscribe. */
  onStop(callback: () => void): () => void {
    if (this.#stopped) {
      callback();
      return () => undefined;
    }
    this.#callbacks.add(callback);
    return () => {
      this.#callbacks.delete(callback);
    };
  }
}
