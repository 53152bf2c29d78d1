import { defineProvider, malformed, missing } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import type { WebhookProvider } from '../webhook-provider.js';

const HUBSPOT_DECODED: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};

/** HubSpot v3 signs the URI with these percent-encodings decoded (and only these). */
export function decodeHubSpotUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match, hex: string) => HUBSPOT_DECODED[hex.toUpperCase()] ?? match);
}

const common = {
  name: 'hubspot',
  bodyFormat: 'json',
  verificationKey: utf8SecretKey,
  signingKey: utf8SecretKey,
} as const;

/**
 * HubSpot webhooks and workflow requests. v3: HubSpot signs `<method><URI><raw body><timestamp>`
 * with HMAC-SHA256 keyed by the app's client secret: `X-HubSpot-Signature-v3: <base64>`, timestamp
 * in `X-HubSpot-Request-Timestamp` (unix ms), the URI with HubSpot's listed percent-encodings
 * decoded. Window: 5 minutes old (HubSpot's rule), 1 minute ahead. v1 (SHA-256 of secret + body)
 * and v2 (SHA-256 of secret + method + URI + body), chosen by `X-HubSpot-Signature-Version`, are
 * unkeyed digests without a timestamp, flagged weak (`allowWeakSchemes`). HubSpot batches events in
 * one array: no single id or type.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: hubspot(), secrets: [process.env.HUBSPOT_CLIENT_SECRET!] });
 * verifier.verify({ body, headers, method: 'POST', url: 'https://example.com/webhooks/hubspot' });
 * ```
 */
export function hubspot(): WebhookProvider {
  const v3 = defineProvider({
    ...common,
    signatures: [{ headers: ['x-hubspot-signature-v3'], format: { kind: 'single', algorithm: 'hmac-sha256', encoding: 'base64' } }],
    signedContent: '{method}{url}{body}{timestamp}',
    timestamp: { headers: ['x-hubspot-request-timestamp'], unit: 'milliseconds' },
    urlTransform: decodeHubSpotUri,
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 60_000 },
  });
  const legacy = (version: 'v1' | 'v2', signedContent: string): WebhookProvider =>
    defineProvider({
      ...common,
      signatures: [
        {
          headers: ['x-hubspot-signature'],
          format: { kind: 'single', algorithm: 'sha256-digest', encoding: 'hex' },
          weak: `HubSpot ${version} is an unkeyed SHA-256 digest without a timestamp`,
        },
      ],
      signedContent,
    });
  const v1 = legacy('v1', '{body}');
  const v2 = legacy('v2', '{method}{url}{body}');
  return Object.freeze({
    ...v3,
    prepare(request) {
      if (request.header('x-hubspot-signature-v3') !== undefined) return v3.prepare(request);
      if (request.header('x-hubspot-signature') === undefined) return missing('signature header x-hubspot-signature-v3 (or x-hubspot-signature) is missing');
      const version = request.header('x-hubspot-signature-version') ?? 'v1';
      if (version === 'v1') return v1.prepare(request);
      if (version === 'v2') return v2.prepare(request);
      return malformed('header x-hubspot-signature-version must be v1 or v2 (v3 uses x-hubspot-signature-v3)');
    },
  } satisfies WebhookProvider);
}
