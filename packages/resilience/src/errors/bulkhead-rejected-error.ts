import { IapError } from '@iap/core';
import { ResilienceErrorCode } from '../resilience-error-codes.js';

/**
 * Why a bulkhead rejected a call.
 *
 * @example
 * ```ts
 * if (isBulkheadRejectedError(error) && error.reason === 'queue-timeout') metrics.count('erp.queue_timeout');
 * ```
 */
export type BulkheadRejectionReason = 'queue-full' | 'queue-timeout';

/**
 * A bulkhead rejected a call: every slot was busy and the queue was full (`queue-full`), or the
 * call waited in the queue longer than `queueTimeoutMs` (`queue-timeout`).
 *
 * @example
 * ```ts
 * await bulkhead.execute(call).catch((error) => {
 *   if (isBulkheadRejectedError(error)) return reply503();
 *   throw error;
 * });
 * ```
 */
export class BulkheadRejectedError extends IapError<typeof ResilienceErrorCode.BULKHEAD_REJECTED> {
  static override readonly errorBrand = 'iap.resilience.BulkheadRejectedError';
  /** `queue-full` or `queue-timeout`. */
  readonly reason: BulkheadRejectionReason;

  /**
   * @param reason - why the call was rejected.
   * @param limits - the bulkhead's `maxConcurrent`, `maxQueue` and `queueTimeoutMs`.
   */
  constructor(reason: BulkheadRejectionReason, limits: { maxConcurrent: number; maxQueue: number; queueTimeoutMs: number }) {
    super(
      ResilienceErrorCode.BULKHEAD_REJECTED,
      reason === 'queue-full'
        ? `bulkhead full: ${limits.maxConcurrent} calls running and ${limits.maxQueue} queued; the call was not made; retry later or raise maxConcurrent/maxQueue`
        : `bulkhead queue wait exceeded queueTimeoutMs (${limits.queueTimeoutMs} ms); the call was not made; retry later or raise maxConcurrent/queueTimeoutMs`,
      { retryable: true, details: { reason, ...limits } },
    );
    this.name = 'BulkheadRejectedError';
    this.reason = reason;
  }
}

/**
 * True when `value` is a {@link BulkheadRejectedError} (code `BULKHEAD_REJECTED`).
 *
 * @example
 * ```ts
 * if (isBulkheadRejectedError(error)) console.log(error.reason);
 * ```
 */
export function isBulkheadRejectedError(value: unknown): value is BulkheadRejectedError {
  return BulkheadRejectedError.isInstance(value);
}
