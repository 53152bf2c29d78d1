import { defineProvider } from '../internal/declarative-provider.js';
import { handshakeOf } from '../internal/handshake-payload.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Zoom webhooks. Zoom signs `v0:<timestamp>:<raw body>` with HMAC-SHA256 keyed by the app's secret
 * token: `x-zm-signature: v0=<hex>`, timestamp in `x-zm-request-timestamp` (unix seconds). Window:
 * 5 minutes old, 1 minute ahead. Type: the payload's `event`. Handshake: the
 * `endpoint.url_validation` CRC is answered with `{ plainToken, encryptedToken }`
 * (`encryptedToken` = HMAC-SHA256 hex of `plainToken` with the matching secret), after verification.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: zoom(), secrets: [process.env.ZOOM_SECRET_TOKEN!] });
 * ```
 */
export function zoom(): WebhookProvider {
  return defineProvider({
    name: 'zoom',
    signatures: [{ headers: ['x-zm-signature'], format: { kind: 'single', prefix: 'v0=', algorithm: 'hmac-sha256', encoding: 'hex' } }],
    signedContent: 'v0:{timestamp}:{body}',
    timestamp: { headers: ['x-zm-request-timestamp'], unit: 'seconds' },
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 60_000 },
    eventType: { from: 'payload', paths: ['event'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
    handshake(event) {
      const payload = handshakeOf(event.payloadOrUndefined());
      if (payload.text('event') !== 'endpoint.url_validation') return undefined;
      const plainToken = payload.text('payload.plainToken');
      if (plainToken === undefined) return undefined;
      return {
        kind: 'hmac-reply',
        message: plainToken,
        build: (encryptedToken) => ({ contentType: 'application/json', body: JSON.stringify({ plainToken, encryptedToken }) }),
      };
    },
  });
}
