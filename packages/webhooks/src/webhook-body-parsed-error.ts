import { IapError } from '@iap/core';
import { WebhookErrorCode } from './webhook-error-codes.js';

/**
 * The body reached the verifier already parsed (an object from `express.json()`, a decoded string
 * from `express.text()`, ...): its exact bytes are gone, so no signature can be checked and none is
 * guessed by re-serialising. Code `WEBHOOK_BODY_PARSED`. Fix the route so the raw body reaches the
 * verifier (mount the webhook route before body parsers, or use `express.raw({ type: '*\/*' })`).
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => { if (isWebhookBodyParsedError(err)) console.error(err.message); });
 * ```
 */
export class WebhookBodyParsedError extends IapError<typeof WebhookErrorCode.WEBHOOK_BODY_PARSED> {
  static override readonly errorBrand = 'iap.webhooks.WebhookBodyParsedError';
  /** What was found instead of bytes (`object`, `string`, ...), never the value. */
  readonly foundType: string;

  constructor(where: string, foundType: string) {
    super(
      WebhookErrorCode.WEBHOOK_BODY_PARSED,
      `${where}: the webhook body was already parsed (found ${foundType}), so the signed bytes are lost. ` +
        'Register the webhook route before any body parser (express.json(), express.text(), ...) or give it express.raw({ type: "*/*" }); ' +
        'the verifier needs the raw body as a Buffer/Uint8Array or the original string.',
      { details: { where, foundType } },
    );
    this.name = 'WebhookBodyParsedError';
    this.foundType = foundType;
  }
}

/**
 * True when `error` is a {@link WebhookBodyParsedError} (code `WEBHOOK_BODY_PARSED`).
 *
 * @example
 * ```ts
 * if (isWebhookBodyParsedError(err)) res.status(500).send('misconfigured webhook route');
 * ```
 */
export function isWebhookBodyParsedError(error: unknown): error is WebhookBodyParsedError {
  return WebhookBodyParsedError.isInstance(error);
}
