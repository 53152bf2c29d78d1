import type { Clock } from '@iap/core';
import type { SignedWebhook, SignInput, WebhookProvider } from './webhook-provider.js';
import type { WebhookSecret } from './webhook-secret.js';

/**
 * Options of {@link createWebhookSigner} and `createEdgeWebhookSigner`.
 *
 * @example
 * ```ts
 * const options: WebhookSignerOptions = { provider: stripe(), secret: 'whsec_test' };
 * ```
 */
export interface WebhookSignerOptions {
  /** The provider entry whose scheme to produce. */
  readonly provider: WebhookProvider;
  /**
   * The signing secret (HMAC schemes) or private key: an Ed25519 seed (hex for Discord, `whsk_`
   * base64 for Standard Webhooks) or a PKCS#8 ECDSA P-256 key (SendGrid).
   */
  readonly secret: WebhookSecret;
  /** Source of the signed timestamp when the input has none. @defaultValue `systemClock` */
  readonly clock?: Clock;
}

/**
 * Signs webhooks the way a provider does: for tests, local replays, and for sending your own
 * webhooks in a provider's format (Standard Webhooks).
 *
 * @example
 * ```ts
 * const { headers } = signer.sign({ body: '{"id":"evt_1"}' });
 * ```
 */
export interface WebhookSigner {
  readonly provider: string;
  /** @throws IapError `INVALID_OPTIONS` when the input lacks something the scheme signs (e.g. `url` for Twilio). */
  sign(input: SignInput): SignedWebhook;
}

/**
 * The WebCrypto twin of {@link WebhookSigner}.
 *
 * @example
 * ```ts
 * const { headers } = await edgeSigner.sign({ body: '{}' });
 * ```
 */
export interface AsyncWebhookSigner {
  readonly provider: string;
  /** @throws IapError `INVALID_OPTIONS` (rejects) when the input lacks something the scheme signs. */
  sign(input: SignInput): Promise<SignedWebhook>;
}
