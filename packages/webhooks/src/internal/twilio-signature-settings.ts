/**
 * Twilio's `X-Twilio-Webhooks-Signature-Settings` header, sent with webhooks signed by a SharedKey:
 * `key=<shared key id>,algorithm=<HMAC_SHA1 | HMAC_SHA256>`. Absent, or without `algorithm`, the
 * signature is the legacy auth-token HMAC-SHA1 (as in twilio-node's `getSignatureAlgorithm`).
 */
import type { SignatureAlgorithm } from '../webhook-provider.js';

/** The header's name (lower case). */
export const TWILIO_SIGNATURE_SETTINGS_HEADER = 'x-twilio-webhooks-signature-settings';

/** Twilio's names of the algorithms it signs with, by our algorithm. */
export const TWILIO_ALGORITHM_NAMES = { 'hmac-sha1': 'HMAC_SHA1', 'hmac-sha256': 'HMAC_SHA256' } as const;

/** An algorithm Twilio signs webhooks with. */
export type TwilioSignatureAlgorithm = keyof typeof TWILIO_ALGORITHM_NAMES;

/** Longest settings header read (a shared key id and an algorithm name are far shorter). */
const MAX_SETTINGS_LENGTH = 1024;

/**
 * The algorithm named by a settings header value: `hmac-sha1` when the header is absent or names
 * none, `undefined` when it names one Twilio does not document (or the value is unreasonably long).
 * Names are compared case-insensitively, as twilio-node does.
 */
export function twilioSignatureAlgorithm(settings: string | undefined): SignatureAlgorithm | undefined {
  if (settings === undefined) return 'hmac-sha1';
  if (settings.length > MAX_SETTINGS_LENGTH) return undefined;
  let named: string | undefined;
  for (const part of settings.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== 'algorithm') continue;
    const value = part.slice(separator + 1).trim();
    if (value !== '' && named === undefined) named = value;
  }
  if (named === undefined) return 'hmac-sha1';
  const upper = named.toUpperCase();
  if (upper === TWILIO_ALGORITHM_NAMES['hmac-sha1']) return 'hmac-sha1';
  if (upper === TWILIO_ALGORITHM_NAMES['hmac-sha256']) return 'hmac-sha256';
  return undefined;
}

/** The settings header value a SharedKey-signed webhook carries. */
export function formatTwilioSignatureSettings(sharedKeyId: string, algorithm: TwilioSignatureAlgorithm): string {
  return `key=${sharedKeyId},algorithm=${TWILIO_ALGORITHM_NAMES[algorithm]}`;
}
