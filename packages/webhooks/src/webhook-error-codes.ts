/**
 * The error codes of @iap/webhooks. Core's generic codes (`INVALID_OPTIONS`, `DECODE`,
 * `VALIDATION`, `IDEMPOTENCY_CONFLICT`) are in `ErrorCode` of @iap/core; these are the ones only
 * this package raises.
 *
 * @example
 * ```ts
 * import { WebhookErrorCode } from '@iap/webhooks';
 *
 * const rejected = (error: { code?: string }): boolean => error.code === WebhookErrorCode.WEBHOOK_VERIFICATION;
 * ```
 */
export const WebhookErrorCode = {
  /** Webhook verification failed; see `reason`, `status` and `provider` of the error. */
  WEBHOOK_VERIFICATION: 'WEBHOOK_VERIFICATION',
  /** A webhook body arrived already parsed, so its exact bytes are lost; see `foundType`. */
  WEBHOOK_BODY_PARSED: 'WEBHOOK_BODY_PARSED',
} as const;

/** The union of every code in {@link WebhookErrorCode}. */
export type WebhookErrorCode = (typeof WebhookErrorCode)[keyof typeof WebhookErrorCode];
