import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHandlerOptions, jsonResponse, processWebhook, tooLargeResponse } from '../internal/process-webhook.js';
import { readNodeBody } from '../internal/read-node-body.js';
import { writeNodeResponse } from '../internal/write-node-response.js';
import { WebhookBodyParsedError } from '../webhook-body-parsed-error.js';
import type { WebhookHandlerOptions } from '../webhook-handler-options.js';
import { nodeRequestUrl } from './node-http.js';

/** The parts of an Express request the adapter reads (Express's `Request` fits). */
export type ExpressRequestLike = IncomingMessage & { body?: unknown; originalUrl?: string; protocol?: string };

/** Express's `next`. */
export type ExpressNextLike = (error?: unknown) => void;

/**
 * Options of {@link createExpressWebhookHandler}.
 *
 * @example
 * ```ts
 * const options: ExpressWebhookHandlerOptions = { verifier, onEvent: () => {} };
 * ```
 */
export interface ExpressWebhookHandlerOptions<TPayload = unknown> extends WebhookHandlerOptions<TPayload> {
  /**
   * The public URL the provider called, for schemes that sign it.
   * @defaultValue `<req.protocol>://<Host header><req.originalUrl>`
   */
  readonly publicUrl?: string | ((request: ExpressRequestLike) => string);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Creates an Express route handler with a route-scoped raw body: it reads the body itself (or takes
 * the Buffer left by `express.raw()`), under `maxBodyBytes`. When a body parser already consumed
 * the body (`express.json()`, `express.text()`, ...), it calls `next` with a
 * `WebhookBodyParsedError` (code `WEBHOOK_BODY_PARSED`) instead of re-serialising the object, which
 * could never reproduce the signed bytes.
 *
 * @throws IapError code `INVALID_OPTIONS` when `verifier` or `onEvent` is missing.
 * @example
 * ```ts
 * import express from 'express';
 * import { createExpressWebhookHandler, createWebhookVerifier, stripe } from '@iap/webhooks';
 *
 * const app = express();
 * const verifier = createWebhookVerifier({ provider: stripe(), secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * app.post('/webhooks/stripe', createExpressWebhookHandler({ verifier, onEvent: (event) => console.log(event.type) }));
 * app.use(express.json()); // other routes may parse JSON; the webhook route is registered first
 * ```
 */
export function createExpressWebhookHandler<TPayload = unknown>(
  options: ExpressWebhookHandlerOptions<TPayload>,
): (request: ExpressRequestLike, response: ServerResponse, next: ExpressNextLike) => void {
  checkHandlerOptions('createExpressWebhookHandler', options);
  const publicUrl = options.publicUrl;
  const urlOf = (request: ExpressRequestLike): string => {
    if (typeof publicUrl === 'string') return publicUrl;
    if (publicUrl !== undefined) return publicUrl(request);
    if (request.protocol !== undefined && request.originalUrl !== undefined) return `${request.protocol}://${request.headers.host ?? 'localhost'}${request.originalUrl}`;
    return nodeRequestUrl(request);
  };

  async function handle(request: ExpressRequestLike, response: ServerResponse, next: ExpressNextLike): Promise<void> {
    const maxBodyBytes = options.verifier.maxBodyBytes;
    let body: Uint8Array;
    if (request.body instanceof Uint8Array) {
      body = request.body;
      if (body.byteLength > maxBodyBytes) return writeNodeResponse(response, tooLargeResponse(maxBodyBytes));
    } else if (request.readableEnded || (request as { _body?: unknown })._body === true) {
      // A body parser consumed the stream: the signed bytes are gone.
      next(new WebhookBodyParsedError('express webhook route', request.body === undefined ? 'a consumed stream' : describe(request.body)));
      return;
    } else {
      // Unread stream (a `req.body` of `{}` left by a parser that skipped this content type is ignored).
      const read = await readNodeBody(request, maxBodyBytes);
      if (!read.ok) return writeNodeResponse(response, tooLargeResponse(maxBodyBytes));
      body = read.body;
    }
    const result = await processWebhook(options, { body, headers: request.headers, url: urlOf(request), method: request.method ?? 'POST' });
    writeNodeResponse(response, result);
  }

  return (request, response, next) => {
    handle(request, response, next).catch((error: unknown) => {
      options.onError?.(error, undefined);
      writeNodeResponse(response, jsonResponse(400, { error: 'bad_request', message: 'the request body could not be read' }));
    });
  };
}
