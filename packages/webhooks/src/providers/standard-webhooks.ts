import { defineProvider, type ProviderSpec } from '../internal/declarative-provider.js';
import { standardWebhooksSigningKey, standardWebhooksVerificationKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/** The Standard Webhooks entry with configurable header names (shared with Svix). */
export function standardWebhooksSpec(name: string, prefixes: readonly string[]): ProviderSpec {
  const headers = (suffix: string): string[] => prefixes.map((prefix) => `${prefix}-${suffix}`);
  return {
    name,
    signatures: [
      {
        headers: headers('signature'),
        format: {
          kind: 'list',
          itemSeparator: ' ',
          versionSeparator: ',',
          versions: { v1: { algorithm: 'hmac-sha256', encoding: 'base64' }, v1a: { algorithm: 'ed25519', encoding: 'base64' } },
        },
      },
    ],
    signedContent: '{id}.{timestamp}.{body}',
    timestamp: { headers: headers('timestamp'), unit: 'seconds' },
    idHeaders: headers('id'),
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 300_000 },
    id: { from: 'header', headers: headers('id') },
    eventType: { from: 'payload', paths: ['type'] },
    verificationKey: standardWebhooksVerificationKey,
    signingKey: standardWebhooksSigningKey,
  };
}

/**
 * Standard Webhooks (standardwebhooks.com). The sender signs `<webhook-id>.<webhook-timestamp>.<raw
 * body>`: `v1` is HMAC-SHA256 keyed by the base64 secret after `whsec_`; `v1a` is Ed25519, verified
 * with a `whpk_` public key. `webhook-signature` holds space-separated `v1,<base64>` / `v1a,<base64>`
 * items, all of which are tried. Window: 5 minutes either way (the spec's tolerance), widenable.
 * Id: `webhook-id`, at most 256 characters (a longer one is `malformed_header`: it becomes the dedup
 * key, so its size is bounded; the `standardwebhooks` library has no limit). Type: the payload's
 * `type`. `whsec_` secrets may omit base64 padding, as in the `standardwebhooks` library.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: standardWebhooks(), secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] });
 * ```
 */
export function standardWebhooks(): WebhookProvider {
  return defineProvider(standardWebhooksSpec('standard-webhooks', ['webhook']));
}
