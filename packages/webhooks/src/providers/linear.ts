import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Linear webhooks. Linear signs the raw request body with HMAC-SHA256 keyed by the webhook's
 * signing secret: `Linear-Signature: <hex>`. The timestamp is inside the signed body
 * (`webhookTimestamp`, unix ms) and is checked right after the signature. Window: 1 minute either
 * way (Linear's recommendation). Id: `Linear-Delivery`; type: `Linear-Event`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: linear(), secrets: [process.env.LINEAR_WEBHOOK_SECRET!] });
 * ```
 */
export function linear(): WebhookProvider {
  return defineProvider({
    name: 'linear',
    signatures: [{ headers: ['linear-signature'], format: { kind: 'single', algorithm: 'hmac-sha256', encoding: 'hex' } }],
    signedContent: '{body}',
    payloadTimestamp: { path: 'webhookTimestamp', unit: 'milliseconds' },
    window: { maxAgeMs: 60_000, maxFutureSkewMs: 60_000 },
    id: { from: 'header', headers: ['linear-delivery'] },
    eventType: { from: 'header', headers: ['linear-event'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
