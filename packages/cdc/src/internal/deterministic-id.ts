import { createHash } from 'node:crypto';

/**
 * A UUID-formatted id (version 8, RFC 9562 "custom") from the SHA-256 of `text`: the same text
 * always gives the same id, different texts practically never share one.
 */
export function deterministicUuid(text: string): string {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  digest[6] = (digest[6]! & 0x0f) | 0x80; // version 8
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
