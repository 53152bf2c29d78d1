import { ErrorCode, IapError } from '@iap/core';

/** SQLSTATE classes worth retrying: connection failures, serialization failures, deadlocks, lock timeouts, shutdown. */
const RETRYABLE_SQLSTATE = /^(08|40|53|57P0[1-3]|55P03)/;

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * A short, value-free description of a database error: its SQLSTATE and the driver's message (the
 * server's text names objects, not row values, for the statements this package issues).
 */
export function describeDatabaseError(error: unknown): string {
  if (IapError.isInstance(error)) return `${error.code}: ${error.message}`;
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : `a non-Error value of type ${typeof error}`;
  if (state === '42P01' || state === '3F000') return `SQLSTATE ${state}: ${message}; run migrate(db) with the same schema and tablePrefix first`;
  return state === undefined ? message : `SQLSTATE ${state}: ${message}`;
}

/** Wraps a database failure as an IapError `STORE_FAILED`; retryable for transient SQLSTATEs and connection errors. */
export function storeFailed(what: string, error: unknown): IapError {
  if (IapError.isInstance(error)) return error;
  const state = sqlState(error);
  const connection = error instanceof Error && /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE|Connection terminated|connection error|timeout/i.test(error.message);
  return new IapError(ErrorCode.STORE_FAILED, `${what} failed (${describeDatabaseError(error)})`, {
    cause: error,
    retryable: (state !== undefined && RETRYABLE_SQLSTATE.test(state)) || connection,
    details: state === undefined ? {} : { sqlState: state },
  });
}
