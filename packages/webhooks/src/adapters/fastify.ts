import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode, IapError } from '@iap/core';
import { checkHandlerOptions, processWebhook, type AdapterResponse } from '../internal/process-webhook.js';
import type { WebhookHandlerOptions } from '../webhook-handler-options.js';

/** The parts of a Fastify request the plugin reads (Fastify's `FastifyRequest` fits). */
export interface FastifyRequestLike {
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  readonly method: string;
  readonly protocol: string;
}

/** The parts of a Fastify reply the plugin uses (Fastify's `FastifyReply` fits). */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/** The parts of a Fastify instance the plugin uses (Fastify's `FastifyInstance` fits). */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: never, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): void;
  route(options: { method: string; url: string; handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown> }): unknown;
}

/**
 * Options of {@link createFastifyWebhookPlugin}.
 *
 * @example
 * ```ts
 * const options: FastifyWebhookPluginOptions = { path: '/webhooks/github', verifier, onEvent: () => {} };
 * ```
 */
export interface FastifyWebhookPluginOptions<TPayload = unknown> extends WebhookHandlerOptions<TPayload> {
  /** Route path inside the plugin's prefix. */
  readonly path: string;
  /** @defaultValue `'POST'` */
  readonly method?: string;
  /**
   * The public URL the provider called, for schemes that sign it.
   * @defaultValue `<protocol>://<Host header><url>`
   */
  readonly publicUrl?: string | ((request: FastifyRequestLike) => string);
}

function send(reply: FastifyReplyLike, response: AdapterResponse): FastifyReplyLike {
  const body = typeof response.body === 'string' ? response.body : Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
  return reply.code(response.status).headers({ ...response.headers }).send(body);
}

/**
 * Creates a Fastify plugin that registers one webhook route with a scoped buffer parser: inside the
 * plugin's encapsulation context every content type is read as a raw Buffer (limited to
 * `maxBodyBytes`, answered 413 by Fastify beyond it), while the rest of the app keeps its JSON
 * parser. Register it without `fastify-plugin` so the parser stays scoped.
 *
 * @throws IapError code `INVALID_OPTIONS` when `verifier`, `onEvent` or `path` is missing.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createFastifyWebhookPlugin, createWebhookVerifier, shopify } from '@iap/webhooks';
 *
 * const app = Fastify();
 * const verifier = createWebhookVerifier({ provider: shopify(), secrets: [process.env.SHOPIFY_CLIENT_SECRET!] });
 * await app.register(createFastifyWebhookPlugin({ path: '/webhooks/shopify', verifier, onEvent: (event) => console.log(event.type) }));
 * ```
 */
export function createFastifyWebhookPlugin<TPayload = unknown>(options: FastifyWebhookPluginOptions<TPayload>): (instance: FastifyInstanceLike) => Promise<void> {
  checkHandlerOptions('createFastifyWebhookPlugin', options);
  if (typeof options.path !== 'string' || !options.path.startsWith('/')) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'createFastifyWebhookPlugin: path must be a string starting with "/"');
  }
  const publicUrl = options.publicUrl;
  const urlOf = (request: FastifyRequestLike): string =>
    typeof publicUrl === 'string' ? publicUrl : publicUrl !== undefined ? publicUrl(request) : `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url}`;

  return (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.verifier.maxBodyBytes }, (_request, body, done) => done(null, body));
    instance.route({
      method: options.method ?? 'POST',
      url: options.path,
      handler: async (request, reply) => {
        const body = request.body instanceof Uint8Array ? request.body : new Uint8Array(0);
        const response = await processWebhook(options, { body, headers: request.headers, url: urlOf(request), method: request.method });
        return send(reply, response);
      },
    });
    return Promise.resolve();
  };
}
