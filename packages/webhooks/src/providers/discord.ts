import { defineProvider } from '../internal/declarative-provider.js';
import { handshakeOf } from '../internal/handshake-payload.js';
import { ed25519PrivateKeyFromHex, ed25519PublicKeyFromHex } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Discord interactions endpoint. Discord signs `<timestamp><raw body>` with Ed25519:
 * `X-Signature-Ed25519: <hex>`, timestamp in `X-Signature-Timestamp` (unix seconds). Verify with
 * the application's public key (64 hex characters). Window: 5 minutes old, 1 minute ahead (Discord
 * documents none). Id: the interaction `id`; type: its numeric `type`. Handshake: PING (`type` 1)
 * is answered with `{"type":1}`, after verification.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: discord(), secrets: [process.env.DISCORD_PUBLIC_KEY!] });
 * ```
 */
export function discord(): WebhookProvider {
  return defineProvider({
    name: 'discord',
    signatures: [{ headers: ['x-signature-ed25519'], format: { kind: 'single', algorithm: 'ed25519', encoding: 'hex' } }],
    signedContent: '{timestamp}{body}',
    timestamp: { headers: ['x-signature-timestamp'], unit: 'seconds' },
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 60_000 },
    id: { from: 'payload', paths: ['id'] },
    eventType: { from: 'payload', paths: ['type'] },
    verificationKey: ed25519PublicKeyFromHex,
    signingKey: ed25519PrivateKeyFromHex,
    handshake(event) {
      return handshakeOf(event.payloadOrUndefined()).number('type') === 1 ? { kind: 'reply', contentType: 'application/json', body: '{"type":1}' } : undefined;
    },
  });
}
