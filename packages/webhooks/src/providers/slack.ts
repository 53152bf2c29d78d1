import { defineProvider } from '../internal/declarative-provider.js';
import { handshakeOf } from '../internal/handshake-payload.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Slack (Events API, slash commands, interactivity). Slack signs `v0:<timestamp>:<raw body>` with
 * HMAC-SHA256 keyed by the app's signing secret: `X-Slack-Signature: v0=<hex>`, timestamp in
 * `X-Slack-Request-Timestamp` (unix seconds). Window: 5 minutes either way (Slack's rule).
 * Bodies are JSON (events) or form data (commands, interactivity), parsed by `content-type`.
 * Id: `event_id`; type: `event.type`, else `type`. Handshake: `url_verification` is answered with
 * its `challenge`, after verification.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: slack(), secrets: [process.env.SLACK_SIGNING_SECRET!] });
 * ```
 */
export function slack(): WebhookProvider {
  return defineProvider({
    name: 'slack',
    signatures: [{ headers: ['x-slack-signature'], format: { kind: 'single', prefix: 'v0=', algorithm: 'hmac-sha256', encoding: 'hex' } }],
    signedContent: 'v0:{timestamp}:{body}',
    timestamp: { headers: ['x-slack-request-timestamp'], unit: 'seconds' },
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 300_000 },
    bodyFormat: 'auto',
    id: { from: 'payload', paths: ['event_id'] },
    eventType: { from: 'payload', paths: ['event.type', 'type'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
    handshake(event) {
      const payload = handshakeOf(event.payloadOrUndefined());
      if (payload.text('type') !== 'url_verification') return undefined;
      const challenge = payload.text('challenge');
      return challenge === undefined ? undefined : { kind: 'reply', contentType: 'text/plain; charset=utf-8', body: challenge };
    },
  });
}
