import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * PagerDuty v3 webhooks. PagerDuty signs the raw request body, and nothing else, with HMAC-SHA256
 * keyed by the subscription's secret: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]` (one per active
 * secret; all are tried). No timestamp is signed: no replay protection, dedup by `X-Webhook-Id`.
 * Type: the payload's `event.event_type`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: pagerDuty(), secrets: [process.env.PAGERDUTY_SECRET!] });
 * ```
 */
export function pagerDuty(): WebhookProvider {
  return defineProvider({
    name: 'pagerduty',
    signatures: [
      { headers: ['x-pagerduty-signature'], format: { kind: 'list', itemSeparator: ',', versionSeparator: '=', versions: { v1: { algorithm: 'hmac-sha256', encoding: 'hex' } } } },
    ],
    signedContent: '{body}',
    id: { from: 'header', headers: ['x-webhook-id'] },
    eventType: { from: 'payload', paths: ['event.event_type'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
