import { ErrorCode, IapError, uuidv7 } from '@iap/core';
import { malformed, missing, readTimestamp } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import { bodyText } from '../internal/request-view.js';
import { parseFormSafely, parseJsonSafely } from '../internal/safe-json.js';
import { decodeSignature, encodeSignature } from '../internal/signature-encoding.js';
import { formatTimestamp } from '../internal/strict-timestamp.js';
import { readPath } from '../internal/verified-webhook-impl.js';
import type { PrepareFailure, WebhookProvider, WebhookRequestView } from '../webhook-provider.js';

interface MailgunFields {
  readonly timestamp: unknown;
  readonly token: unknown;
  readonly signature: unknown;
  /** Where the fields were read, for messages. */
  readonly prefix: string;
}

function readFields(request: WebhookRequestView): MailgunFields | PrepareFailure {
  const text = request.text();
  if (text === undefined) return malformed('the body is not valid UTF-8, so the Mailgun signature fields cannot be read');
  const contentType = request.header('content-type')?.toLowerCase() ?? '';
  try {
    if (contentType.includes('application/x-www-form-urlencoded') || contentType.includes('multipart/form-data')) {
      if (contentType.includes('multipart/form-data')) return malformed('multipart Mailgun bodies are not supported; use the JSON webhooks API');
      const form = parseFormSafely(text, 'remove');
      return { timestamp: form.timestamp, token: form.token, signature: form.signature, prefix: '' };
    }
    const json = parseJsonSafely(text, 'remove');
    return {
      timestamp: readPath(json, 'signature.timestamp'),
      token: readPath(json, 'signature.token'),
      signature: readPath(json, 'signature.signature'),
      prefix: 'signature.',
    };
  } catch {
    return malformed('the body is not JSON or form data, so the Mailgun signature fields cannot be read');
  }
}

function fieldText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;
}

/**
 * Mailgun webhooks. Mailgun signs only `<timestamp><token>` with HMAC-SHA256 keyed by the HTTP
 * webhook signing key, and puts `timestamp`, `token` and `signature` in the body (under
 * `signature` in JSON, as fields in form posts). The body itself is not covered: whoever holds one
 * signed request can attach any event to it within the window, so the scheme is flagged weak
 * (`allowWeakSchemes`). Window: 5 minutes old, 1 minute ahead; dedup by `token` (Mailgun's advice).
 * Type: `event-data.event`.
 *
 * @example
 * ```ts
 * const verifier = createWebhookVerifier({ provider: mailgun(), secrets: [process.env.MAILGUN_SIGNING_KEY!], allowWeakSchemes: true });
 * ```
 */
export function mailgun(): WebhookProvider {
  return Object.freeze({
    name: 'mailgun',
    window: { maxAgeMs: 300_000, maxFutureSkewMs: 60_000 },
    bodyFormat: 'auto',
    id: { from: 'payload', paths: ['signature.token', 'token'] },
    eventType: { from: 'payload', paths: ['event-data.event', 'event'] },
    parseVerificationKey: utf8SecretKey,
    parseSigningKey: utf8SecretKey,
    prepare(request) {
      const fields = readFields(request);
      if ('ok' in fields) return fields;
      const signature = fieldText(fields.signature);
      const token = fieldText(fields.token);
      const timestampText = fieldText(fields.timestamp);
      if (signature === undefined) return missing(`signature field ${fields.prefix}signature is missing from the body`);
      if (token === undefined || token.length === 0 || token.length > 256) return missing(`field ${fields.prefix}token is missing or longer than 256 characters`);
      const timestamp = readTimestamp(timestampText, 'seconds', `field ${fields.prefix}timestamp`);
      if ('ok' in timestamp) return timestamp;
      const bytes = decodeSignature(signature, 'hmac-sha256', 'hex');
      if (bytes === undefined) return malformed(`field ${fields.prefix}signature is not a hex HMAC-SHA256 signature of the expected length`);
      return {
        ok: true,
        content: { prefix: `${timestampText}${token}`, includeBody: false, suffix: '' },
        candidates: [{ algorithm: 'hmac-sha256', bytes }],
        timestamp,
        weak: 'Mailgun signs only a timestamp and token, not the body',
      };
    },
    prepareSigning(input, _key, nowMs) {
      const text = bodyText(input.body);
      let eventData: unknown;
      try {
        eventData = text === undefined ? undefined : parseJsonSafely(text, 'remove');
      } catch (error) {
        if (!IapError.isInstance(error) || error.code !== ErrorCode.DECODE) throw error;
      }
      if (typeof eventData !== 'object' || eventData === null) throw new Error('mailgun sign(): body must be the JSON of the event-data object');
      const timestamp = formatTimestamp(input.timestampMs ?? nowMs, 'seconds');
      const token = input.id ?? uuidv7().replaceAll('-', '');
      return {
        algorithm: 'hmac-sha256',
        needsBodySha256: false,
        content: () => ({ prefix: `${timestamp}${token}`, includeBody: false, suffix: '' }),
        finish: (signature) => ({
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ signature: { timestamp, token, signature: encodeSignature(signature, 'hex') }, 'event-data': eventData }),
        }),
      };
    },
  } satisfies WebhookProvider);
}
