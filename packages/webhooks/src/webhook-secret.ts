/**
 * A configured secret or key. Strings are read the way each provider publishes them (UTF-8 text for
 * most HMAC secrets, `whsec_` base64 for Standard Webhooks and Svix, hex or base64 public keys for
 * Discord and SendGrid); a `Uint8Array` is taken as raw key bytes.
 *
 * @example
 * ```ts
 * createWebhookVerifier({ provider: standardWebhooks(), secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] });
 * ```
 */
export type WebhookSecret = string | Uint8Array;
