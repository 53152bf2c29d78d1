import { IapError } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * Wrap an error in `NonRetriableError` to tell every retry policy to stop at once: retrying cannot
 * help (bad request, unknown account, validation failure). The retry policy rethrows it unchanged;
 * the original error is its `cause`.
 *
 * @example
 * ```ts
 * await retryPolicy.execute(async () => {
 *   const response = await fetch(url);
 *   if (response.status === 422) throw new NonRetriableError('the CRM rejected the payload (HTTP 422)', { cause: new Error(await response.text()) });
 *   return response.json();
 * });
 * ```
 */
export class NonRetriableError extends IapError<typeof ResilienceErrorCode.NON_RETRIABLE> {
  static override readonly errorBrand = 'iap.resilience.NonRetriableError';
  /**
   * @param message - what failed and why retrying cannot help.
   * @param options - `cause`: the original error.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(ResilienceErrorCode.NON_RETRIABLE, message, { retryable: false, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.name = 'NonRetriableError';
  }
}

/**
 * True when `value` is a {@link NonRetriableError} (code `NON_RETRIABLE`).
 *
 * @example
 * ```ts
 * if (isNonRetriableError(error)) deadLetter(error.cause);
 * ```
 */
export function isNonRetriableError(value: unknown): value is NonRetriableError {
  return NonRetriableError.isInstance(value);
}
