/** Facts about each signature algorithm: key kinds and signature lengths. */
import type { SignatureAlgorithm, WebhookKeyKind } from '../webhook-provider.js';

/** The key kind that verifies signatures of `algorithm`. */
export function verificationKeyKind(algorithm: SignatureAlgorithm): WebhookKeyKind {
  if (algorithm === 'ed25519') return 'ed25519-public';
  if (algorithm === 'ecdsa-p256-sha256') return 'ecdsa-p256-public';
  return 'symmetric';
}

/** The key kind that produces signatures of `algorithm`. */
export function signingKeyKind(algorithm: SignatureAlgorithm): WebhookKeyKind {
  if (algorithm === 'ed25519') return 'ed25519-private';
  if (algorithm === 'ecdsa-p256-sha256') return 'ecdsa-p256-private';
  return 'symmetric';
}

/** Exact decoded length of a signature, or `undefined` when it varies (DER, tokens). */
export function signatureLength(algorithm: SignatureAlgorithm): number | undefined {
  switch (algorithm) {
    case 'hmac-sha1':
      return 20;
    case 'hmac-sha256':
    case 'sha256-digest':
      return 32;
    case 'hmac-sha512':
    case 'ed25519':
      return 64;
    default:
      return undefined;
  }
}

/** The node:crypto / WebCrypto hash name of an HMAC algorithm. */
export function hmacHash(algorithm: 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha512'): { node: 'sha1' | 'sha256' | 'sha512'; web: 'SHA-1' | 'SHA-256' | 'SHA-512' } {
  if (algorithm === 'hmac-sha1') return { node: 'sha1', web: 'SHA-1' };
  if (algorithm === 'hmac-sha512') return { node: 'sha512', web: 'SHA-512' };
  return { node: 'sha256', web: 'SHA-256' };
}
