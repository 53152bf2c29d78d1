import { IapError } from '@iap/core';
import { WebhookErrorCode } from './webhook-error-codes.js';
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
export class WebhookVerificationError extends IapError<typeof WebhookErrorCode.WEBHOOK_VERIFICATION> {
  static override readonly errorBrand = 'iap.webhooks.WebhookVerificationError';
  /** Why the webhook was rejected. */
  readonly reason: VerificationFailureReason;
  /** The HTTP status to answer. */
  readonly status: number;
  /** Provider name, e.g. `stripe`. */
  readonly provider: string;

  constructor(failure: VerificationFailure) {
    super(WebhookErrorCode.WEBHOOK_VERIFICATION, `${failure.provider} webhook rejected (${failure.reason}): ${failure.message}`, {
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
  return WebhookVerificationError.isInstance(error);
}
