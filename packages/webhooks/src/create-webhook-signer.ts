import { ErrorCode, IapError } from '@iap/core';
import { computeSignature, toNodeKey } from './internal/node-crypto-engine.js';
import { planSigning, resolveSignerSettings } from './internal/signer-settings.js';
import type { SignedWebhook, SignInput } from './webhook-provider.js';
import type { WebhookSigner, WebhookSignerOptions } from './webhook-signer.js';

/**
 * Creates a synchronous signer on node:crypto that produces a provider's headers for a body.
 *
 * @throws IapError code `INVALID_OPTIONS` for a missing provider or an unusable secret/key.
 * @example
 * ```ts
 * import { createWebhookSigner, standardWebhooks } from '@iap/webhooks';
 *
 * const signer = createWebhookSigner({ provider: standardWebhooks(), secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
 * const { headers, body } = signer.sign({ body: JSON.stringify({ type: 'invoice.paid' }) });
 * await fetch('https://example.com/hooks', { method: 'POST', headers, body });
 * ```
 */
export function createWebhookSigner(options: WebhookSignerOptions): WebhookSigner {
  const where = 'createWebhookSigner';
  const settings = resolveSignerSettings(where, options);
  let key;
  try {
    key = toNodeKey(settings.key);
  } catch (error) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: secret is not a usable ${settings.key.kind} key`, { cause: error });
  }
  return {
    provider: settings.provider.name,
    sign(input: SignInput): SignedWebhook {
      const plan = planSigning(settings, input);
      const { signature, bodySha256Hex } = computeSignature(plan, key, input.body);
      return plan.finish(signature, bodySha256Hex);
    },
  };
}
