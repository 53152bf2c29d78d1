/**
 * Holds the process open while a long-running component runs. Every timer of @iap is unref'd, so a
 * relay or consumer whose connections are all down (a database or broker outage) would otherwise
 * leave Node's event loop empty and the process would exit with code 0 in the middle of the
 * outage. A started relay and a started consumer hold one of these until they stop.
 *
 * @returns a function that releases the hold (idempotent).
 * @example
 * ```ts
 * const release = holdProcessOpen();
 * // ... until the component stops
 * release();
 * ```
 */
export function holdProcessOpen(): () => void {
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(noop, 2 ** 30);
  return () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
}

function noop(): void {
  // the interval exists only to keep the event loop alive
}
