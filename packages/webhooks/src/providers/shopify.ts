import { ErrorCode, IapError } from '@iap/core';
import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Options of {@link shopify}.
 *
 * @example
 * ```ts
 * shopify({ signAs: 'events' });
 * ```
 */
export interface ShopifyProviderOptions {
  /**
   * Which header set the signer writes: classic webhooks (`X-Shopify-Hmac-Sha256`) or Shopify
   * Events (`shopify-hmac-sha256`). Verification accepts both either way; when a request carries
   * both signature headers, the Events one is checked, as `@shopify/shopify-api` does.
   * @defaultValue `'webhooks'`
   */
  readonly signAs?: 'webhooks' | 'events';
}

const CLASSIC_HEADER = 'x-shopify-hmac-sha256';
const EVENTS_HEADER = 'shopify-hmac-sha256';

/**
 * Shopify webhooks, classic and Shopify Events. Shopify signs the raw request body, and nothing
 * else, with HMAC-SHA256 keyed by the app's client secret: `X-Shopify-Hmac-Sha256: <base64>`
 * (classic) or `shopify-hmac-sha256: <base64>` (Events, whose headers drop the `x-` prefix). No
 * timestamp is signed (`X-Shopify-Triggered-At` / `shopify-triggered-at` are not covered): no
 * replay protection, dedup by `X-Shopify-Event-Id` (else `X-Shopify-Webhook-Id`, else
 * `shopify-webhook-id`). Type: `X-Shopify-Topic` or `shopify-topic`.
 *
 * @throws IapError code `INVALID_OPTIONS` when `signAs` is neither `'webhooks'` nor `'events'`.
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: shopify(), secrets: [process.env.SHOPIFY_CLIENT_SECRET!] });
 * ```
 */
export function shopify(options: ShopifyProviderOptions = {}): WebhookProvider {
  const signAs = options.signAs ?? 'webhooks';
  if (signAs !== 'webhooks' && signAs !== 'events') throw new IapError(ErrorCode.INVALID_OPTIONS, "shopify: signAs must be 'webhooks' or 'events'");
  // Verification checks the Events header first when both are present, as @shopify/shopify-api does;
  // the signer writes the header set chosen by `signAs`.
  const entry = (headers: readonly string[]) =>
    defineProvider({
      name: 'shopify',
      signatures: [{ headers, format: { kind: 'single', algorithm: 'hmac-sha256', encoding: 'base64' } }],
      signedContent: '{body}',
      id: { from: 'header', headers: ['x-shopify-event-id', 'x-shopify-webhook-id', 'shopify-webhook-id'] },
      eventType: { from: 'header', headers: ['x-shopify-topic', 'shopify-topic'] },
      verificationKey: utf8SecretKey,
      signingKey: utf8SecretKey,
    });
  const verifying = entry([EVENTS_HEADER, CLASSIC_HEADER]);
  if (signAs === 'events') return verifying;
  const signing = entry([CLASSIC_HEADER]);
  return Object.freeze({ ...verifying, prepareSigning: (input, key, nowMs) => signing.prepareSigning(input, key, nowMs) } satisfies WebhookProvider);
}
