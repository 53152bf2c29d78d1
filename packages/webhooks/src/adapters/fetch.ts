import type { ReadableStreamDefaultReader, ReadableStreamReadResult } from 'node:stream/web';
import { checkHandlerOptions, processWebhook, tooLargeResponse, type AdapterResponse } from '../internal/process-webhook.js';
import { WebhookBodyParsedError } from '../webhook-body-parsed-error.js';
import type { WebhookHandlerOptions } from '../webhook-handler-options.js';

/**
 * The outcome of reading a Fetch request body under a limit.
 *
 * @example
 * ```ts
 * const read = await readFetchBody(request, 1_048_576);
 * if (read.ok) verifier.verify({ body: read.body, headers: request.headers });
 * ```
 */
export type FetchBodyResult = { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false; readonly reason: 'body_too_large' };

/**
 * Reads a Fetch `Request` body as bytes, refusing it before buffering when `content-length` is
 * over `maxBodyBytes` and cancelling the stream as soon as the received bytes pass it.
 *
 * @throws (rejects) `WebhookBodyParsedError` (code `WEBHOOK_BODY_PARSED`) when the body was already
 * read (`request.bodyUsed`) or is locked to another reader; the stream's own error when it fails.
 * @example
 * ```ts
 * const read = await readFetchBody(request, 1_048_576);
 * if (!read.ok) return new Response(null, { status: 413 });
 * ```
 */
export async function readFetchBody(request: Request, maxBodyBytes: number): Promise<FetchBodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes) return { ok: false, reason: 'body_too_large' };
  // A consumed or locked body (read by a framework or middleware first): its bytes are gone.
  if (request.bodyUsed || request.body?.locked === true) throw new WebhookBodyParsedError('fetch webhook handler', 'a consumed body');
  if (request.body === null) return { ok: true, body: new Uint8Array(0) };
  const reader = request.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const chunk: ReadableStreamReadResult<Uint8Array> = await reader.read();
    if (chunk.done) break;
    const value = chunk.value;
    received += value.byteLength;
    if (received > maxBodyBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: 'body_too_large' };
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return { ok: true, body: chunks[0]! };
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}

/**
 * Options of {@link createFetchWebhookHandler}.
 *
 * @example
 * ```ts
 * const options: FetchWebhookHandlerOptions = { verifier, onEvent: () => {} };
 * ```
 */
export interface FetchWebhookHandlerOptions<TPayload = unknown> extends WebhookHandlerOptions<TPayload> {
  /**
   * The public URL the provider called, for schemes that sign it.
   * @defaultValue `request.url`
   */
  readonly publicUrl?: string | ((request: Request) => string);
}

function toFetchResponse(response: AdapterResponse): Response {
  const body = typeof response.body === 'string' ? response.body : Uint8Array.from(response.body);
  return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers });
}

/**
 * Creates a Fetch handler `(request: Request) => Promise<Response>` for Hono (`c.req.raw`),
 * Next.js App Router route handlers, Cloudflare Workers, Deno and Bun. Works with both verifiers;
 * with `createEdgeWebhookVerifier` it needs nothing but WebCrypto.
 *
 * A request whose body was already read (by middleware that called `request.json()` or `text()`)
 * cannot be verified: the returned promise rejects with `WebhookBodyParsedError` (code
 * `WEBHOOK_BODY_PARSED`), as the Express adapter passes it to `next`, for the framework's error
 * handler (Hono `app.onError`, Next.js error handling).
 *
 * @throws IapError code `INVALID_OPTIONS` when `verifier` or `onEvent` is missing.
 * @example
 * ```ts
 * // app/api/webhooks/github/route.ts (Next.js App Router)
 * import { createFetchWebhookHandler, createWebhookVerifier, github } from '@iap/webhooks';
 *
 * const verifier = createWebhookVerifier({ provider: github(), secrets: [process.env.GITHUB_WEBHOOK_SECRET!] });
 * export const POST = createFetchWebhookHandler({ verifier, onEvent: (event) => console.log(event.type) });
 * ```
 */
export function createFetchWebhookHandler<TPayload = unknown>(options: FetchWebhookHandlerOptions<TPayload>): (request: Request) => Promise<Response> {
  checkHandlerOptions('createFetchWebhookHandler', options);
  const publicUrl = options.publicUrl;
  return async (request) => {
    const maxBodyBytes = options.verifier.maxBodyBytes;
    const read = await readFetchBody(request, maxBodyBytes);
    if (!read.ok) return toFetchResponse(tooLargeResponse(maxBodyBytes));
    const url = typeof publicUrl === 'string' ? publicUrl : publicUrl !== undefined ? publicUrl(request) : request.url;
    return toFetchResponse(await processWebhook(options, { body: read.body, headers: request.headers, url, method: request.method }));
  };
}
