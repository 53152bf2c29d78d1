import { toIapError, type Logger } from '@iap/core';

/**
 * Closes gracefully on the given signals. After closing, when no other listener of the signal is
 * left, the signal is raised again so the process ends as it would have without us. Returns a
 * function that removes the listeners.
 */
export function installShutdownSignals(signals: readonly NodeJS.Signals[], close: () => Promise<void>, logger: Logger): () => void {
  const listeners = new Map<NodeJS.Signals, () => void>();
  const remove = (): void => {
    for (const [signal, listener] of listeners) process.removeListener(signal, listener);
    listeners.clear();
  };
  for (const signal of signals) {
    const listener = (): void => {
      logger.info({ signal }, 'shutdown signal received: draining the consumer');
      close()
        .catch((error: unknown) => logger.error({ code: toIapError(error).code }, 'graceful shutdown failed'))
        .finally(() => {
          remove();
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
    };
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  return remove;
}
