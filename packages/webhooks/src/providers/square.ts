import { defineProvider } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

/**
 * Options of {@link square}.
 *
 * @example
 * ```ts
 * square({ notificationUrl: 'https://example.com/webhooks/square' });
 * ```
 */
export interface SquareProviderOptions {
  /**
   * The notification URL exactly as registered in the Square subscription (Square signs it).
   * @defaultValue the request's `url`
   */
  readonly notificationUrl?: string;
}

/**
 * Square webhooks. Square signs `<notification URL><raw body>` with HMAC-SHA256 keyed by the
 * subscription's signature key: `x-square-hmacsha256-signature: <base64>`. The URL must be the one
 * registered with Square, byte for byte. No timestamp is signed: no replay protection, dedup by the
 * payload's `event_id`. Type: the payload's `type`.
 *
 * @example
 * ```ts
 * const provider = square({ notificationUrl: 'https://example.com/webhooks/square' });
 * ```
 */
export function square(options: SquareProviderOptions = {}): WebhookProvider {
  return defineProvider({
    name: 'square',
    signatures: [{ headers: ['x-square-hmacsha256-signature'], format: { kind: 'single', algorithm: 'hmac-sha256', encoding: 'base64' } }],
    signedContent: '{url}{body}',
    ...(options.notificationUrl === undefined ? {} : { url: options.notificationUrl }),
    id: { from: 'payload', paths: ['event_id'] },
    eventType: { from: 'payload', paths: ['type'] },
    verificationKey: utf8SecretKey,
    signingKey: utf8SecretKey,
  });
}
