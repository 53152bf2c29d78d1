import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { checkHandlerOptions, jsonResponse, processWebhook, tooLargeResponse } from '../internal/process-webhook.js';
import { readNodeBody } from '../internal/read-node-body.js';
import { writeNodeResponse } from '../internal/write-node-response.js';
import type { WebhookHandlerOptions } from '../webhook-handler-options.js';

/**
 * Options of {@link createNodeWebhookHandler}.
 *
 * @example
 * ```ts
 * const options: NodeWebhookHandlerOptions = { verifier, onEvent: () => {}, publicUrl: 'https://example.com/hooks/twilio' };
 * ```
 */
export interface NodeWebhookHandlerOptions<TPayload = unknown> extends WebhookHandlerOptions<TPayload> {
  /**
   * The public URL the provider called, for schemes that sign it (Twilio, HubSpot, Square). Behind
   * a proxy, give it explicitly (or compute it from trusted headers): the Host header and
   * `http://` seen by this server are not what the provider signed.
   * @defaultValue `http(s)://<Host header><request path>`
   */
  readonly publicUrl?: string | ((request: IncomingMessage) => string);
}

/**
 * The URL of a Node request as this server sees it (scheme from the socket, host from the Host header).
 *
 * @example
 * ```ts
 * createNodeWebhookHandler({ verifier, onEvent, publicUrl: (req) => nodeRequestUrl(req).replace('http:', 'https:') });
 * ```
 */
export function nodeRequestUrl(request: IncomingMessage): string {
  const encrypted = (request.socket as Partial<TLSSocket>).encrypted === true;
  return `${encrypted ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`;
}

/**
 * Creates a `node:http` request listener that reads the raw body (refusing it past
 * `maxBodyBytes` before buffering), verifies it, answers handshakes, dedups, and runs `onEvent`.
 * Failures are answered with the reason's status and `{ error, message }`.
 *
 * @throws IapError code `INVALID_OPTIONS` when `verifier` or `onEvent` is missing.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createNodeWebhookHandler, createWebhookVerifier, github } from '@iap/webhooks';
 *
 * const verifier = createWebhookVerifier({ provider: github(), secrets: [process.env.GITHUB_WEBHOOK_SECRET!] });
 * createServer(createNodeWebhookHandler({ verifier, onEvent: (event) => console.log(event.type, event.id) })).listen(3000);
 * ```
 */
export function createNodeWebhookHandler<TPayload = unknown>(options: NodeWebhookHandlerOptions<TPayload>): (request: IncomingMessage, response: ServerResponse) => void {
  checkHandlerOptions('createNodeWebhookHandler', options);
  const publicUrl = options.publicUrl;
  const urlOf = (request: IncomingMessage): string => (publicUrl === undefined ? nodeRequestUrl(request) : typeof publicUrl === 'string' ? publicUrl : publicUrl(request));

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const read = await readNodeBody(request, options.verifier.maxBodyBytes);
    if (!read.ok) {
      writeNodeResponse(response, tooLargeResponse(options.verifier.maxBodyBytes));
      return;
    }
    const result = await processWebhook(options, { body: read.body, headers: request.headers, url: urlOf(request), method: request.method ?? 'POST' });
    writeNodeResponse(response, result);
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.onError?.(error, undefined);
      writeNodeResponse(response, jsonResponse(400, { error: 'bad_request', message: 'the request body could not be read' }));
    });
  };
}
