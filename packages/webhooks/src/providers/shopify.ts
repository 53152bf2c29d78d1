import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Shopify webhooks. Shopify signs the raw request body, and nothing else, with HMAC-SHA256 keyed by
 * the app's client secret: `X-Shopify-Hmac-Sha256: <base64>`. No timestamp is signed
 * (`X-Shopify-Triggered-At` is not covered): no replay protection, dedup by `X-Shopify-Event-Id`
 * (else `X-Shopify-Webhook-Id`). Type: `X-Shopify-Topic`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: shopify(), secrets: [process.env.SHOPIFY_CLIENT_SECRET!] });
 * ```
 */
export function shopify(): WebhookProvider {
  return defineProvider({
    name: 'shopify',
    signatures: [{ headers: ['x-shopify-hmac-sha256'], format: { kind: 'single', algorithm: 'hmac-sha256', encoding: 'base64' } }],
    signedContent: '{body}',
    id: { from: 'header', headers: ['x-shopify-event-id', 'x-shopify-webhook-id'] },
    eventType: { from: 'header', headers: ['x-shopify-topic'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
