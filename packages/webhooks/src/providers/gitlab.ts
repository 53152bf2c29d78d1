import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * GitLab webhooks. GitLab signs nothing: it sends the configured secret token itself in
 * `X-Gitlab-Token`. Anyone who sees one request (a proxy log, a misrouted delivery) can forge any
 * body, so the scheme is flagged weak and needs `allowWeakSchemes`. The token is compared through
 * SHA-256 digests in constant time. No replay protection; dedup by `X-Gitlab-Event-UUID` (else
 * `Idempotency-Key`). Type: `X-Gitlab-Event`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: gitlab(), secrets: [process.env.GITLAB_TOKEN!], allowWeakSchemes: true });
 * ```
 */
export function gitlab(): WebhookProvider {
  return defineProvider({
    name: 'gitlab',
    signatures: [
      {
        headers: ['x-gitlab-token'],
        format: { kind: 'single', algorithm: 'token', encoding: 'utf8' },
        weak: 'GitLab sends the shared secret token itself, not a signature of the body',
      },
    ],
    signedContent: '',
    id: { from: 'header', headers: ['x-gitlab-event-uuid', 'idempotency-key'] },
    eventType: { from: 'header', headers: ['x-gitlab-event'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
