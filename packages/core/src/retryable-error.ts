/**
 * The one default answer of the family to "is this error worth another attempt?", used by the
 * consumer's `isRetryable`, the retry policy's `shouldRetry` and the saga's step retries unless the
 * user passes their own.
 */
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';

/** Errors that come from a bug in the calling code: the same input fails the same way again. */
const PROGRAMMING_ERRORS: ReadonlySet<string> = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']);

/**
 * Whether an error is worth retrying by default:
 * - an {@link IapError} says so itself (`retryable`), and an `ABORTED` one never is;
 * - an `AbortError` (the caller gave up) and a programming error (`TypeError`, `RangeError`,
 *   `SyntaxError`, `ReferenceError`) are not: another attempt fails the same way;
 * - anything else is (network errors, driver errors, a dependency's 5xx wrapped by the user).
 *
 * @example
 * ```ts
 * import { isRetryableError } from '@iap/core';
 *
 * class PaymentDeclined extends Error {}
 * const isRetryable = (error: unknown): boolean => !(error instanceof PaymentDeclined) && isRetryableError(error);
 * isRetryable(new Error('ECONNRESET')); // true
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  if (IapError.isInstance(error)) return error.code !== ErrorCode.ABORTED && error.retryable;
  if (error instanceof Error) return error.name !== 'AbortError' && !PROGRAMMING_ERRORS.has(error.name);
  return true;
}
