import { defineProvider } from '../internal/declarative-provider.js';
import { handshakeOf } from '../internal/handshake-payload.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Twitch EventSub webhooks. Twitch signs `<message id><timestamp><raw body>` with HMAC-SHA256 keyed
 * by the subscription secret: `Twitch-Eventsub-Message-Signature: sha256=<hex>`, with
 * `Twitch-Eventsub-Message-Id` and `Twitch-Eventsub-Message-Timestamp` (RFC 3339, as sent). Window:
 * 10 minutes old (Twitch's rule), 1 minute ahead. Id: the message id; type: `subscription.type`.
 * Handshake: `webhook_callback_verification` is answered with its `challenge`, after verification.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: twitch(), secrets: [process.env.TWITCH_EVENTSUB_SECRET!] });
 * ```
 */
export function twitch(): WebhookProvider {
  return defineProvider({
    name: 'twitch',
    signatures: [
      { headers: ['twitch-eventsub-message-signature'], format: { kind: 'single', prefix: 'sha256=', algorithm: 'hmac-sha256', encoding: 'hex' } },
    ],
    signedContent: '{id}{timestamp}{body}',
    timestamp: { headers: ['twitch-eventsub-message-timestamp'], unit: 'rfc3339' },
    idHeaders: ['twitch-eventsub-message-id'],
    window: { maxAgeMs: 600_000, maxFutureSkewMs: 60_000 },
    id: { from: 'header', headers: ['twitch-eventsub-message-id'] },
    eventType: { from: 'payload', paths: ['subscription.type'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
    handshake(event) {
      if (event.header('twitch-eventsub-message-type') !== 'webhook_callback_verification') return undefined;
      const challenge = handshakeOf(event.payloadOrUndefined()).text('challenge');
      return challenge === undefined ? undefined : { kind: 'reply', contentType: 'text/plain; charset=utf-8', body: challenge };
    },
  });
}
