import { defineProvider } from '../internal/declarative-provider.js';
import type { WebhookProvider } from '../webhook-provider.js';
import { standardWebhooksSpec } from './standard-webhooks.js';

/**
 * Svix (and every service sending through it: Clerk, Resend, ...). Svix implements Standard
 * Webhooks under its own header names: it signs `<svix-id>.<svix-timestamp>.<raw body>` with
 * HMAC-SHA256 keyed by the base64 secret after `whsec_`; `svix-signature` holds space-separated
 * `v1,<base64>` items. The `webhook-*` names are accepted too, as Svix's SDK does. Window: 5 minutes
 * either way. Id: `svix-id`, at most 256 characters (longer is `malformed_header`; the id is the
 * dedup key, so its size is bounded). Type: the payload's `type`. Unpadded `whsec_` secrets are
 * accepted, as the svix SDK accepts them.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: svix(), secrets: [process.env.SVIX_SECRET!] });
 * ```
 */
export function svix(): WebhookProvider {
  return defineProvider(standardWebhooksSpec('svix', ['svix', 'webhook']));
}
