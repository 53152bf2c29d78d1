import { ErrorCode, IapError } from '@iap/core';

/** @internal The SQLSTATE of a driver error, if it has one. */
export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** @internal A driver failure as a retryable `STORE_FAILED` (an IapError passes through); a missing table or schema says to migrate. */
export function storeError(operation: string, error: unknown): IapError {
  if (IapError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : 'unknown error';
  const missing = pgCode(error) === '42P01' || pgCode(error) === '3F000';
  const hint = missing ? ` (the saga ${pgCode(error) === '3F000' ? 'schema' : 'tables'} do not exist: call store.migrate() first)` : '';
  return new IapError(ErrorCode.STORE_FAILED, `saga store: ${operation} failed: ${message}${hint}`, {
    cause: error,
    retryable: true,
    details: { operation, ...(pgCode(error) === undefined ? {} : { sqlState: pgCode(error) }) },
  });
}
