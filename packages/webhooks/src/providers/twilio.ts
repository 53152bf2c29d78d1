import { ErrorCode, IapError } from '@iap/core';
import { malformed, missing } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import { bodyText } from '../internal/request-view.js';
import { decodeSignature, encodeSignature } from '../internal/signature-encoding.js';
import { decodeHexStrict } from '../internal/strict-hex.js';
import { formatTwilioSignatureSettings, TWILIO_SIGNATURE_SETTINGS_HEADER, twilioSignatureAlgorithm } from '../internal/twilio-signature-settings.js';
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

function isEmpty(body: string | Uint8Array): boolean {
  return typeof body === 'string' ? body.length === 0 : body.byteLength === 0;
}

function withQueryParam(url: string, name: string, value: string): string {
  const hashIndex = url.indexOf('#');
  const base = hashIndex < 0 ? url : url.slice(0, hashIndex);
  const hash = hashIndex < 0 ? '' : url.slice(hashIndex);
  return `${base}${base.includes('?') ? '&' : '?'}${name}=${value}${hash}`;
}

/**
 * Options of {@link twilio}.
 *
 * @example
 * ```ts
 * twilio({ sharedKeyId: 'webhooks_sharedkey_1' });
 * ```
 */
export interface TwilioProviderOptions {
  /**
   * Signing only: sign as a Twilio SharedKey webhook (HMAC-SHA256 keyed by the SharedKey secret,
   * with `X-Twilio-Webhooks-Signature-Settings: key=<sharedKeyId>,algorithm=HMAC_SHA256`).
   * Verification does not need it: it follows the settings header of each request.
   * @defaultValue none: sign with HMAC-SHA1 as an auth token does
   */
  readonly sharedKeyId?: string;
}

/** What a shared key id may contain: it is written into a comma-separated `key=value` header. */
const SHARED_KEY_ID = /^[A-Za-z0-9_.-]{1,256}$/;

/**
 * Twilio (Voice, Messaging, and other Twilio webhooks). Twilio signs the full request URL followed
 * by every POST parameter as `name + value`, sorted by name, with HMAC-SHA1 keyed by the account's
 * auth token: `X-Twilio-Signature: <base64>`. Webhooks signed with a SharedKey carry
 * `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=HMAC_SHA256` and are HMAC-SHA256 keyed
 * by the SharedKey secret (configure that secret; an unknown algorithm is `malformed_header`).
 * JSON and other non-form bodies are not signed directly: the URL carries `bodySHA256=<hex SHA-256
 * of the body>`, which is signed and checked against the body; a non-empty non-form body without it
 * is `missing_header`, since the signature would not cover it (as twilio-node's
 * `validateRequestWithBody` refuses it). The URL is tried as given, without its port and with the
 * default port (as Twilio's SDK does). No timestamp is signed: no replay protection, dedup by
 * `I-Twilio-Idempotency-Token`.
 *
 * @throws IapError code `INVALID_OPTIONS` when `sharedKeyId` is empty or has characters other than
 * letters, digits, `_`, `.` and `-`.
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: twilio(), secrets: [process.env.TWILIO_AUTH_TOKEN!] });
 * verifier.verify({ body, headers, url: 'https://example.com/twilio/sms' });
 * ```
 */
export function twilio(options: TwilioProviderOptions = {}): WebhookProvider {
  const sharedKeyId = options.sharedKeyId;
  if (sharedKeyId !== undefined && (typeof sharedKeyId !== 'string' || !SHARED_KEY_ID.test(sharedKeyId))) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'twilio: sharedKeyId must be 1 to 256 letters, digits, "_", "." or "-" (the id Twilio shows for the SharedKey)');
  }
  const signingAlgorithm = sharedKeyId === undefined ? 'hmac-sha1' : 'hmac-sha256';
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
      const algorithm = twilioSignatureAlgorithm(request.header(TWILIO_SIGNATURE_SETTINGS_HEADER));
      if (algorithm === undefined) return malformed(`header ${TWILIO_SIGNATURE_SETTINGS_HEADER} names an algorithm other than HMAC_SHA1 and HMAC_SHA256`);
      const bytes = decodeSignature(header.trim(), algorithm, 'base64');
      if (bytes === undefined) return malformed(`header ${SIGNATURE_HEADER} is not a base64 ${algorithm.toUpperCase()} signature of the expected length`);
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
      } else if (!isEmpty(request.body)) {
        return missing('query parameter bodySHA256 is missing from the url: Twilio signs a non-form body only through it, so this body is not covered by the signature');
      }
      const [content, ...alternatives] = urlVariants(url).map((variant): SignedContent => ({ prefix: variant + parameters, includeBody: false, suffix: '' }));
      const plan: VerificationPlan = {
        ok: true,
        content: content!,
        alternativeContents: alternatives,
        candidates: [{ algorithm, bytes }],
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
      const settings = sharedKeyId === undefined ? {} : { [TWILIO_SIGNATURE_SETTINGS_HEADER]: formatTwilioSignatureSettings(sharedKeyId, 'hmac-sha256') };
      return {
        algorithm: signingAlgorithm,
        needsBodySha256: !form,
        content: (digest) => ({ prefix: signedUrl(digest) + parameters, includeBody: false, suffix: '' }),
        finish: (signature, digest) => ({ headers: { [SIGNATURE_HEADER]: encodeSignature(signature, 'base64'), ...settings }, body: input.body, url: signedUrl(digest) }),
      };
    },
  } satisfies WebhookProvider);
}
