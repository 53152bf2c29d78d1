import { defineProvider } from '../internal/declarative-provider.js';
import { ecdsaP256PrivateKey, ecdsaP256PublicKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * SendGrid (Twilio SendGrid) signed Event Webhook. SendGrid signs `<timestamp><raw body>` with
 * ECDSA P-256 / SHA-256: `X-Twilio-Email-Event-Webhook-Signature: <base64 DER>`, timestamp in
 * `X-Twilio-Email-Event-Webhook-Timestamp` (unix seconds). Verify with the public verification key
 * from the SendGrid console (base64 DER SPKI, or PEM). DER signatures are parsed strictly. Window:
 * 5 minutes old, 1 minute ahead (SendGrid documents none). The body is an array of events: no
 * single id or type.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: sendGrid(), secrets: [process.env.SENDGRID_VERIFICATION_KEY!] });
 * ```
 */
export function sendGrid(): WebhookProvider {
  return defineProvider({
    name: 'sendgrid',
    signatures: [
      { headers: ['x-twilio-email-event-webhook-signature'], format: { kind: 'single', algorithm: 'ecdsa-p256-sha256', encoding: 'base64' } },
    ],
    signedContent: '{timestamp}{body}',
    timestamp: { headers: ['x-twilio-email-event-webhook-timestamp'], unit: 'seconds' },
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 60_000 },
    verificationKey: ecdsaP256PublicKey,
    signingKey: ecdsaP256PrivateKey,
  });
}
