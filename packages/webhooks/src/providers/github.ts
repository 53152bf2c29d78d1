import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * GitHub webhooks. GitHub signs the raw request body, and nothing else, with HMAC-SHA256 keyed by
 * the webhook secret: `X-Hub-Signature-256: sha256=<hex>`. The legacy `X-Hub-Signature: sha1=<hex>`
 * (HMAC-SHA1) is used only when the SHA-256 header is absent, and only with `allowWeakSchemes`.
 * No timestamp is signed: no replay protection, dedup by `X-GitHub-Delivery` (the result's `id`).
 * Event type: `X-GitHub-Event`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: github(), secrets: [process.env.GITHUB_WEBHOOK_SECRET!] });
 * ```
 */
export function github(): WebhookProvider {
  return defineProvider({
    name: 'github',
    signatures: [
      { headers: ['x-hub-signature-256'], format: { kind: 'single', prefix: 'sha256=', algorithm: 'hmac-sha256', encoding: 'hex' } },
      {
        headers: ['x-hub-signature'],
        format: { kind: 'single', prefix: 'sha1=', algorithm: 'hmac-sha1', encoding: 'hex' },
        weak: 'GitHub X-Hub-Signature (HMAC-SHA1) is the legacy scheme; X-Hub-Signature-256 is missing',
      },
    ],
    signedContent: '{body}',
    id: { from: 'header', headers: ['x-github-delivery'] },
    eventType: { from: 'header', headers: ['x-github-event'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
