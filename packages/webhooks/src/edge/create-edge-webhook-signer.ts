import { planSigning, resolveSignerSettings } from '../internal/signer-settings.js';
import { computeSignatureAsync, WebKey } from '../internal/web-crypto-engine.js';
import type { SignedWebhook, SignInput } from '../webhook-provider.js';
import type { AsyncWebhookSigner, WebhookSignerOptions } from '../webhook-signer.js';

/**
 * Creates an asynchronous signer on WebCrypto: the edge twin of `createWebhookSigner`.
 *
 * @throws IapError code `INVALID_OPTIONS` for a missing provider or an unreadable secret/key.
 * @example
 * ```ts
 * import { createEdgeWebhookSigner, standardWebhooks } from '@iap/webhooks/edge';
 *
 * const signer = createEdgeWebhookSigner({ provider: standardWebhooks(), secret: env.WEBHOOK_SECRET });
 * const { headers } = await signer.sign({ body: JSON.stringify({ type: 'order.created' }) });
 * ```
 */
export function createEdgeWebhookSigner(options: WebhookSignerOptions): AsyncWebhookSigner {
  const settings = resolveSignerSettings('createEdgeWebhookSigner', options);
  const key = new WebKey(settings.key);
  return {
    provider: settings.provider.name,
    async sign(input: SignInput): Promise<SignedWebhook> {
      const plan = planSigning(settings, input);
      const { signature, bodySha256Hex } = await computeSignatureAsync(plan, key, input.body);
      return plan.finish(signature, bodySha256Hex);
    },
  };
}
