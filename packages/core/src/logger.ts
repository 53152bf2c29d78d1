/** A log method: pino-style `(object, message?)` or `(message)`. */
export interface LogFn {
  (object: Record<string, unknown>, message?: string): void;
  (message: string): void;
}

/**
 * The logging contract of @iap: a subset of pino's API, so a pino logger can be passed as is.
 * @iap never logs secrets or payload values, only ids, codes, names and counts.
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** Optional: a child logger with bound fields. */
  child?(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => undefined;

/**
 * The default logger: discards everything.
 *
 * @example
 * ```ts
 * createOutboxRelay({ logger: pino() }); // or noopLogger, the default
 * ```
 */
export const noopLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop, child: () => noopLogger });
