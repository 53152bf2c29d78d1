import type { VerifiedWebhook } from './verified-webhook.js';
import type { WebhookDeduplicator } from './webhook-deduplicator.js';
import type { AsyncWebhookVerifier, WebhookVerifier } from './webhook-verifier.js';

/**
 * What an event handler may answer: status, headers and body of the HTTP response.
 *
 * @example
 * ```ts
 * const reply: WebhookReply = { status: 200, headers: { 'content-type': 'text/xml' }, body: '<Response/>' };
 * ```
 */
export interface WebhookReply {
  /** @defaultValue `200` */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** @defaultValue empty */
  readonly body?: string | Uint8Array;
}

/**
 * Options shared by every framework adapter.
 *
 * @example
 * ```ts
 * const options: WebhookHandlerOptions = { verifier, onEvent: (event) => console.log(event.type) };
 * ```
 */
export interface WebhookHandlerOptions<TPayload = unknown> {
  /** A verifier from `createWebhookVerifier` or `createEdgeWebhookVerifier`. */
  readonly verifier: WebhookVerifier<TPayload> | AsyncWebhookVerifier<TPayload>;
  /**
   * Runs for each verified event (never for handshakes, never for duplicates). Return a
   * {@link WebhookReply} to control the response; otherwise the answer is 200 with an empty body.
   */
  readonly onEvent: (event: VerifiedWebhook<TPayload>) => WebhookReply | void | Promise<WebhookReply | void>;
  /** Dedup by delivery id: duplicates are acknowledged with 200 without running `onEvent`. @defaultValue none */
  readonly deduplicator?: WebhookDeduplicator;
  /** Called with handler errors (answered 500, or 400 for unparseable/invalid payloads). @defaultValue none */
  readonly onError?: (error: unknown, event: VerifiedWebhook<TPayload> | undefined) => void;
  /** Answer Slack/Zoom/Twitch/Discord handshakes (after verification) instead of calling `onEvent`. @defaultValue `true` */
  readonly answerHandshakes?: boolean;
}
