import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Stripe webhooks. Stripe signs `<t>.<raw body>` with HMAC-SHA256 keyed by the endpoint secret
 * (the `whsec_...` string used as is): `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`.
 * Every `v1` is tried (Stripe sends several while a secret rolls); `v0` and unknown schemes are
 * ignored. Window: 5 minutes old (Stripe's tolerance), 1 minute in the future (Stripe's SDK accepts
 * any future timestamp). Id: the event's `id`; type: its `type` (both from the verified payload).
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: stripe(), secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * ```
 */
export function stripe(): WebhookProvider {
  return defineProvider({
    name: 'stripe',
    signatures: [
      {
        headers: ['stripe-signature'],
        format: { kind: 'list', itemSeparator: ',', versionSeparator: '=', versions: { v1: { algorithm: 'hmac-sha256', encoding: 'hex' } }, timestampKey: 't' },
      },
    ],
    signedContent: '{timestamp}.{body}',
    timestamp: { signatureKey: true, unit: 'seconds' },
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 60_000 },
    id: { from: 'payload', paths: ['id'] },
    eventType: { from: 'payload', paths: ['type'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
