import { ErrorCode, IapError, type StandardSchemaV1 } from '@iap/core';
import { handshakeReply, handshakeSpec } from '../internal/handshake.js';
import { finishVerification, mismatch, startVerification } from '../internal/verification-pipeline.js';
import { resolveVerifierSettings } from '../internal/verifier-settings.js';
import { bodyDigestMatchesAsync, hmacSha256HexAsync, matchSignatureAsync, WebKey } from '../internal/web-crypto-engine.js';
import type { VerificationResult, VerifiedWebhook } from '../verified-webhook.js';
import type { HandshakeReply } from '../webhook-provider.js';
import type { WebhookRequest } from '../webhook-request.js';
import { WebhookVerificationError } from '../webhook-verification-error.js';
import type { PayloadOf, WebhookVerifierOptions } from '../webhook-verifier-options.js';
import type { AsyncWebhookVerifier } from '../webhook-verifier.js';

/**
 * Creates an asynchronous webhook verifier on WebCrypto, for edge runtimes without node:crypto
 * (Cloudflare Workers, Vercel Edge) and anywhere `crypto.subtle` exists. Same providers, options,
 * results and guarantees as `createWebhookVerifier`; every method returns a promise.
 *
 * @throws IapError code `INVALID_OPTIONS` for a missing provider, an empty or malformed secret, or a
 * bad limit; a key WebCrypto cannot import is reported by the first `verify` (rejects with `INVALID_OPTIONS`).
 * @example
 * ```ts
 * import { createEdgeWebhookVerifier, stripe } from '@iap/webhooks/edge';
 *
 * const verifier = createEdgeWebhookVerifier({ provider: stripe(), secrets: [env.STRIPE_WEBHOOK_SECRET] });
 * export default {
 *   async fetch(request: Request) {
 *     const result = await verifier.verify({ body: new Uint8Array(await request.arrayBuffer()), headers: request.headers });
 *     return new Response(result.ok ? 'ok' : result.reason, { status: result.ok ? 200 : result.status });
 *   },
 * };
 * ```
 */
export function createEdgeWebhookVerifier<TSchema extends StandardSchemaV1 | undefined = undefined>(
  options: WebhookVerifierOptions<TSchema>,
): AsyncWebhookVerifier<PayloadOf<TSchema>> {
  type TPayload = PayloadOf<TSchema>;
  const where = 'createEdgeWebhookVerifier';
  const settings = resolveVerifierSettings(where, options);
  const keys = settings.keys.map((key) => new WebKey(key));
  // Import every key now, so a key WebCrypto rejects is reported on first use, not as a mismatch.
  const ready = Promise.all(
    keys.map((key, index) =>
      key.import(key.kind === 'symmetric' ? 'SHA-256' : 'verify').catch((error: unknown) => {
        throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: secrets[${index}] could not be imported by WebCrypto as a ${key.kind} key`, { cause: error });
      }),
    ),
  );
  ready.catch(() => undefined);

  async function verify(request: WebhookRequest): Promise<VerificationResult<TPayload>> {
    const started = startVerification(settings, request);
    if (!started.ok) return started;
    await ready;
    const index = await matchSignatureAsync(started.plan, request.body, keys);
    if (index < 0) return mismatch(settings);
    const bodySha256 = started.plan.bodySha256;
    if (bodySha256 !== undefined && !(await bodyDigestMatchesAsync(request.body, bodySha256))) return mismatch(settings);
    return finishVerification<TPayload>(settings, started, index);
  }

  return {
    provider: settings.provider.name,
    maxBodyBytes: settings.maxBodyBytes,
    verify,
    async verifyOrThrow(request: WebhookRequest): Promise<VerifiedWebhook<TPayload>> {
      const result = await verify(request);
      if (!result.ok) throw new WebhookVerificationError(result);
      return result;
    },
    async handshake(event: VerifiedWebhook<TPayload>): Promise<HandshakeReply | undefined> {
      const spec = handshakeSpec(settings.provider, event);
      if (spec === undefined) return undefined;
      if (spec.kind === 'reply') return handshakeReply(spec.contentType, spec.body);
      const key = keys[event.secretIndex];
      if (key === undefined || key.kind !== 'symmetric') return undefined;
      const built = spec.build(await hmacSha256HexAsync(key, spec.message));
      return handshakeReply(built.contentType, built.body);
    },
  };
}
