import { ErrorCode, IapError } from '@iap/core';
import type { VerificationFailure, VerificationFailureReason } from './verification-failure.js';

/**
 * Thrown by `verifyOrThrow` when a webhook is rejected: code `WEBHOOK_VERIFICATION`, with the
 * failure `reason`, the HTTP `status` to answer and the `provider`. Never retryable.
 *
 * @example
 * ```ts
 * try { verifier.verifyOrThrow(request); }
 * catch (err) { if (isWebhookVerificationError(err)) res.writeHead(err.status).end(err.reason); }
 * ```
 */
export class WebhookVerificationError extends IapError {
  /** Why the webhook was rejected. */
  readonly reason: VerificationFailureReason;
  /** The HTTP status to answer. */
  readonly status: number;
  /** Provider name, e.g. `stripe`. */
  readonly provider: string;

  constructor(failure: VerificationFailure) {
    super(ErrorCode.WEBHOOK_VERIFICATION, `${failure.provider} webhook rejected (${failure.reason}): ${failure.message}`, {
      details: { provider: failure.provider, reason: failure.reason, status: failure.status },
    });
    this.name = 'WebhookVerificationError';
    this.reason = failure.reason;
    this.status = failure.status;
    this.provider = failure.provider;
  }
}

/**
 * True when `error` is a {@link WebhookVerificationError} from any copy of this package (checks the
 * code, not `instanceof`).
 *
 * @example
 * ```ts
 * if (isWebhookVerificationError(err)) console.log(err.reason);
 * ```
 */
export function isWebhookVerificationError(error: unknown): error is WebhookVerificationError {
  return IapError.isInstance(error) && error.code === ErrorCode.WEBHOOK_VERIFICATION && typeof (error as { reason?: unknown }).reason === 'string';
}
