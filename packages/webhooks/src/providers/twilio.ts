import { malformed, missing } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import { bodyText } from '../internal/request-view.js';
import { decodeSignature, encodeSignature } from '../internal/signature-encoding.js';
import { decodeHexStrict } from '../internal/strict-hex.js';
import type { SignedContent, VerificationPlan, WebhookProvider } from '../webhook-provider.js';

const SIGNATURE_HEADER = 'x-twilio-signature';

function isForm(contentType: string | undefined): boolean {
  return contentType === undefined || contentType.toLowerCase().includes('application/x-www-form-urlencoded');
}

/** Twilio's parameter string: keys sorted, each `key + value` (repeated values de-duplicated and sorted). */
export function twilioParameterString(formBody: string): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(formBody)) {
    const values = grouped.get(key);
    if (values === undefined) grouped.set(key, [value]);
    else values.push(value);
  }
  let out = '';
  for (const key of [...grouped.keys()].sort()) {
    for (const value of [...new Set(grouped.get(key))].sort()) out += key + value;
  }
  return out;
}

/** The URL as given, without its port, and with the scheme's default port (Twilio signs either). */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const variants = [url];
  // WHATWG URL drops a default port (":443" on https), so parsed.port is "" for both spellings.
  const port = parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : undefined;
  const credentials = parsed.username === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : `:${parsed.password}`}@`;
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  variants.push(`${parsed.protocol}//${credentials}${parsed.hostname}${rest}`);
  if (port !== undefined) variants.push(`${parsed.protocol}//${credentials}${parsed.hostname}:${port}${rest}`);
  return [...new Set(variants)];
}

function bodySha256Param(url: string): string | null | undefined {
  try {
    return new URL(url).searchParams.get('bodySHA256');
  } catch {
    return undefined;
  }
}

function withQueryParam(url: string, name: string, value: string): string {
  const hashIndex = url.indexOf('#');
  const base = hashIndex < 0 ? url : url.slice(0, hashIndex);
  const hash = hashIndex < 0 ? '' : url.slice(hashIndex);
  return `${base}${base.includes('?') ? '&' : '?'}${name}=${value}${hash}`;
}

/**
 * Twilio (Voice, Messaging, and other Twilio webhooks). Twilio signs the full request URL followed
 * by every POST parameter as `name + value`, sorted by name, with HMAC-SHA1 keyed by the account's
 * auth token: `X-Twilio-Signature: <base64>`. JSON bodies are not signed directly: the URL carries
 * `bodySHA256=<hex SHA-256 of the body>`, which is signed and checked against the body. The URL is
 * tried as given, without its port and with the default port (as Twilio's SDK does). No timestamp is
 * signed: no replay protection, dedup by `I-Twilio-Idempotency-Token`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: twilio(), secrets: [process.env.TWILIO_AUTH_TOKEN!] });
 * verifier.verify({ body, headers, url: 'https://example.com/twilio/sms' });
 * ```
 */
export function twilio(): WebhookProvider {
  return Object.freeze({
    name: 'twilio',
    window: undefined,
    bodyFormat: 'auto',
    id: { from: 'header', headers: ['i-twilio-idempotency-token'] },
    eventType: undefined,
    parseVerificationKey: utf8SecretKey,
    parseSigningKey: utf8SecretKey,
    prepare(request) {
      const header = request.header(SIGNATURE_HEADER);
      if (header === undefined) return missing(`signature header ${SIGNATURE_HEADER} is missing`);
      const bytes = decodeSignature(header.trim(), 'hmac-sha1', 'base64');
      if (bytes === undefined) return malformed(`header ${SIGNATURE_HEADER} is not a base64 HMAC-SHA1 signature of the expected length`);
      const url = request.url;
      if (url === undefined) return missing('twilio signs the request URL: pass `url` with the request (the full public URL Twilio called)');
      const bodyDigest = bodySha256Param(url);
      if (bodyDigest === undefined) return malformed('the request url is not an absolute URL');
      let parameters = '';
      let bodySha256: Uint8Array | undefined;
      if (bodyDigest !== null) {
        bodySha256 = decodeHexStrict(bodyDigest, 32);
        if (bodySha256 === undefined) return malformed('query parameter bodySHA256 must be 64 hex characters');
      } else if (isForm(request.header('content-type'))) {
        const text = request.text();
        if (text === undefined) return malformed('the form body is not valid UTF-8');
        parameters = twilioParameterString(text);
      }
      const [content, ...alternatives] = urlVariants(url).map((variant): SignedContent => ({ prefix: variant + parameters, includeBody: false, suffix: '' }));
      const plan: VerificationPlan = {
        ok: true,
        content: content!,
        alternativeContents: alternatives,
        candidates: [{ algorithm: 'hmac-sha1', bytes }],
        timestamp: undefined,
        weak: undefined,
        ...(bodySha256 === undefined ? {} : { bodySha256 }),
      };
      return plan;
    },
    prepareSigning(input) {
      const url = input.url;
      if (url === undefined) throw new Error('twilio signs the URL: pass `url`');
      const form = isForm(input.contentType);
      let parameters = '';
      if (form) {
        const text = bodyText(input.body);
        if (text === undefined) throw new Error('the form body is not valid UTF-8');
        parameters = twilioParameterString(text);
      }
      const signedUrl = (digest: string | undefined): string => (form || digest === undefined ? url : withQueryParam(url, 'bodySHA256', digest));
      return {
        algorithm: 'hmac-sha1',
        needsBodySha256: !form,
        content: (digest) => ({ prefix: signedUrl(digest) + parameters, includeBody: false, suffix: '' }),
        finish: (signature, digest) => ({ headers: { [SIGNATURE_HEADER]: encodeSignature(signature, 'base64') }, body: input.body, url: signedUrl(digest) }),
      };
    },
  } satisfies WebhookProvider);
}
