import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Paddle Billing webhooks. Paddle signs `<ts>:<raw body>` with HMAC-SHA256 keyed by the
 * notification destination's secret key: `Paddle-Signature: ts=<unix seconds>;h1=<hex>[;h1=<hex>...]`.
 * Every `h1` is tried (Paddle's SDK checks only one). Window: 5 seconds either way (Paddle's
 * recommendation; widen `maxAgeMs` if your clock drifts). Id: `event_id`; type: `event_type`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: paddle(), secrets: [process.env.PADDLE_WEBHOOK_SECRET!] });
 * ```
 */
export function paddle(): WebhookProvider {
  return defineProvider({
    name: 'paddle',
    signatures: [
      {
        headers: ['paddle-signature'],
        format: { kind: 'list', itemSeparator: ';', versionSeparator: '=', versions: { h1: { algorithm: 'hmac-sha256', encoding: 'hex' } }, timestampKey: 'ts' },
      },
    ],
    signedContent: '{timestamp}:{body}',
    timestamp: { signatureKey: true, unit: 'seconds' },
    window: { maxAgeMs: 5_000, maxFutureSkewMs: 5_000 },
    id: { from: 'payload', paths: ['event_id'] },
    eventType: { from: 'payload', paths: ['event_type'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
