import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Intercom webhooks. Intercom signs the raw request body, and nothing else, with HMAC-SHA1 keyed by
 * the app's client secret: `X-Hub-Signature: sha1=<hex>`. HMAC-SHA1 is still a sound MAC and it is
 * Intercom's only scheme, so it is not flagged weak. No timestamp is signed: no replay protection,
 * dedup by the notification's `id`. Type: the payload's `topic`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: intercom(), secrets: [process.env.INTERCOM_CLIENT_SECRET!] });
 * ```
 */
export function intercom(): WebhookProvider {
  return defineProvider({
    name: 'intercom',
    signatures: [{ headers: ['x-hub-signature'], format: { kind: 'single', prefix: 'sha1=', algorithm: 'hmac-sha1', encoding: 'hex' } }],
    signedContent: '{body}',
    id: { from: 'payload', paths: ['id'] },
    eventType: { from: 'payload', paths: ['topic'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
