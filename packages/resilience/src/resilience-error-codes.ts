/**
 * The error codes of @iap/resilience. Core's generic codes (`TIMEOUT`, `ABORTED`, `CLOSED`,
 * `INVALID_OPTIONS`, `STORE_FAILED`, `LEASE_LOST`, ...) are in `ErrorCode` of @iap/core; these
 * are the ones only this package raises.
 *
 * @example
 * ```ts
 * import { ResilienceErrorCode } from '@iap/resilience';
 *
 * const shed = (error: { code?: string }): boolean => error.code === ResilienceErrorCode.BULKHEAD_REJECTED;
 * ```
 */
export const ResilienceErrorCode = {
  /** The circuit breaker is open (or half-open and full); see `retryAfterMs`. */
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  /** The circuit breaker is isolated by an operator. */
  CIRCUIT_ISOLATED: 'CIRCUIT_ISOLATED',
  /** The bulkhead is full and its queue is full or the queue wait timed out. */
  BULKHEAD_REJECTED: 'BULKHEAD_REJECTED',
  /** The rate limiter rejected the call; see `retryAfterMs`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Every retry attempt failed; `attempts` keeps each cause. */
  RETRY_EXHAUSTED: 'RETRY_EXHAUSTED',
  /** The error was marked as not worth retrying. */
  NON_RETRIABLE: 'NON_RETRIABLE',
  /** The retry budget is spent: retrying now would feed a retry storm. */
  RETRY_BUDGET_EXHAUSTED: 'RETRY_BUDGET_EXHAUSTED',
  /** A saga step or compensation failed. */
  SAGA_STEP_FAILED: 'SAGA_STEP_FAILED',
  /** A saga is in a state that does not allow the requested operation. */
  SAGA_STATE: 'SAGA_STATE',
  /** A saga definition is invalid (duplicate step names, empty saga, ...). */
  SAGA_DEFINITION: 'SAGA_DEFINITION',
  /** The saga passed its deadline. */
  SAGA_DEADLINE: 'SAGA_DEADLINE',
} as const;

/** The union of every code in {@link ResilienceErrorCode}. */
export type ResilienceErrorCode = (typeof ResilienceErrorCode)[keyof typeof ResilienceErrorCode];
