import { ErrorCode, IapError, type StandardSchemaV1 } from '@iap/core';
import { handshakeReply, handshakeSpec } from './internal/handshake.js';
import { bodyDigestMatches, hmacSha256Hex, matchSignature, toNodeKey, type NodeKey } from './internal/node-crypto-engine.js';
import { finishVerification, mismatch, startVerification } from './internal/verification-pipeline.js';
import { resolveVerifierSettings } from './internal/verifier-settings.js';
import type { VerificationResult, VerifiedWebhook } from './verified-webhook.js';
import type { HandshakeReply } from './webhook-provider.js';
import type { WebhookRequest } from './webhook-request.js';
import { WebhookVerificationError } from './webhook-verification-error.js';
import type { PayloadOf, WebhookVerifierOptions } from './webhook-verifier-options.js';
import type { WebhookVerifier } from './webhook-verifier.js';

/**
 * Creates a synchronous webhook verifier on node:crypto (Node, Bun, Deno). Verifies the exact bytes
 * given, checks the signed timestamp against a separate max age and future skew, tries every
 * signature against every secret, and parses the payload only after verification.
 *
 * @throws IapError code `INVALID_OPTIONS` for a missing provider, an empty or malformed secret, or
 * a bad limit.
 * @example
 * ```ts
 * import { createWebhookVerifier, github } from '@iap/webhooks';
 *
 * const verifier = createWebhookVerifier({ provider: github(), secrets: [process.env.GITHUB_WEBHOOK_SECRET!] });
 * const result = verifier.verify({ body: rawBody, headers: req.headers });
 * if (!result.ok) res.writeHead(result.status).end(result.reason);
 * else console.log(result.type, result.id, result.payload());
 * ```
 */
export function createWebhookVerifier<TSchema extends StandardSchemaV1 | undefined = undefined>(
  options: WebhookVerifierOptions<TSchema>,
): WebhookVerifier<PayloadOf<TSchema>> {
  type TPayload = PayloadOf<TSchema>;
  const where = 'createWebhookVerifier';
  const settings = resolveVerifierSettings(where, options);
  const keys: NodeKey[] = settings.keys.map((key, index) => {
    try {
      return toNodeKey(key);
    } catch (error) {
      throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: secrets[${index}] is not a usable ${key.kind} key`, { cause: error });
    }
  });

  function verify(request: WebhookRequest): VerificationResult<TPayload> {
    const started = startVerification(settings, request);
    if (!started.ok) return started;
    const index = matchSignature(started.plan, request.body, keys);
    if (index < 0) return mismatch(settings);
    const bodySha256 = started.plan.bodySha256;
    if (bodySha256 !== undefined && !bodyDigestMatches(request.body, bodySha256)) return mismatch(settings);
    return finishVerification<TPayload>(settings, started, index);
  }

  return {
    provider: settings.provider.name,
    maxBodyBytes: settings.maxBodyBytes,
    verify,
    verifyOrThrow(request: WebhookRequest): VerifiedWebhook<TPayload> {
      const result = verify(request);
      if (!result.ok) throw new WebhookVerificationError(result);
      return result;
    },
    handshake(event: VerifiedWebhook<TPayload>): HandshakeReply | undefined {
      const spec = handshakeSpec(settings.provider, event);
      if (spec === undefined) return undefined;
      if (spec.kind === 'reply') return handshakeReply(spec.contentType, spec.body);
      const key = keys[event.secretIndex];
      const hex = key === undefined ? undefined : hmacSha256Hex(key, spec.message);
      if (hex === undefined) return undefined;
      const built = spec.build(hex);
      return handshakeReply(built.contentType, built.body);
    },
  };
}
