import type { VerificationResult, VerifiedWebhook } from './verified-webhook.js';
import type { HandshakeReply } from './webhook-provider.js';
import type { WebhookRequest } from './webhook-request.js';

/**
 * A synchronous verifier (node:crypto), from {@link createWebhookVerifier}.
 *
 * @example
 * ```ts
 * const result = verifier.verify({ body, headers });
 * ```
 */
export interface WebhookVerifier<TPayload = unknown> {
  /** Provider name. */
  readonly provider: string;
  /** The body limit adapters enforce while reading. */
  readonly maxBodyBytes: number;
  /**
   * Verifies a request. Never throws for any header or body content: every problem is a
   * `{ ok: false, reason }` result.
   * @throws WebhookBodyParsedError when `body` is not bytes or a string (a parsed body: a wiring bug).
   */
  verify(request: WebhookRequest): VerificationResult<TPayload>;
  /**
   * Verifies a request or throws.
   * @throws WebhookVerificationError (code `WEBHOOK_VERIFICATION`) with `reason` and `status`.
   * @throws WebhookBodyParsedError when `body` is not bytes or a string.
   */
  verifyOrThrow(request: WebhookRequest): VerifiedWebhook<TPayload>;
  /**
   * The answer to a provider handshake (Slack `url_verification`, Zoom CRC, Twitch challenge,
   * Discord PING) carried by a verified event, or `undefined` for ordinary events. Only verified
   * events can be answered, so an attacker cannot make the endpoint echo or sign challenges.
   */
  handshake(event: VerifiedWebhook<TPayload>): HandshakeReply | undefined;
}

/**
 * An asynchronous verifier (WebCrypto) for edge runtimes, from `createEdgeWebhookVerifier`: the
 * same API with promises.
 *
 * @example
 * ```ts
 * const result = await verifier.verify({ body, headers: request.headers });
 * ```
 */
export interface AsyncWebhookVerifier<TPayload = unknown> {
  readonly provider: string;
  readonly maxBodyBytes: number;
  /** @throws WebhookBodyParsedError (rejects) when `body` is not bytes or a string. */
  verify(request: WebhookRequest): Promise<VerificationResult<TPayload>>;
  /** @throws WebhookVerificationError (rejects) with `reason` and `status`. */
  verifyOrThrow(request: WebhookRequest): Promise<VerifiedWebhook<TPayload>>;
  handshake(event: VerifiedWebhook<TPayload>): Promise<HandshakeReply | undefined>;
}
