/**
 * Parsing of configured secrets and keys into {@link WebhookKey}s. Every failure throws an `Error`
 * whose message says what is wrong with the value and never contains it; the verifier and signer
 * factories turn it into `INVALID_OPTIONS` naming the secret's index.
 */
import type { WebhookKey } from '../webhook-provider.js';
import type { WebhookSecret } from '../webhook-secret.js';
import { decodeBase64Strict } from './strict-base64.js';
import { decodeHexStrict } from './strict-hex.js';

const textEncoder = new TextEncoder();

const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const ED25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
/** SPKI header of an uncompressed P-256 public key (the key follows: 65 bytes). */
const P256_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Raw bytes of a Uint8Array secret, copied so later mutation by the caller changes nothing. */
function copyBytes(secret: Uint8Array): Uint8Array {
  return Uint8Array.from(secret);
}

/** A shared secret used as its UTF-8 bytes (or raw bytes). */
export function utf8SecretKey(secret: WebhookSecret): WebhookKey {
  const bytes = typeof secret === 'string' ? textEncoder.encode(secret) : copyBytes(secret);
  if (bytes.length === 0) throw new Error('the secret is empty');
  return { kind: 'symmetric', bytes };
}

/** An Ed25519 public key: 32 raw bytes. */
export function ed25519PublicKey(raw: Uint8Array): WebhookKey {
  if (raw.length !== 32) throw new Error(`an Ed25519 public key has 32 bytes (got ${raw.length})`);
  return { kind: 'ed25519-public', bytes: copyBytes(raw) };
}

/** The DER SPKI form of a raw Ed25519 public key (for node:crypto). */
export function ed25519SpkiFromRaw(raw: Uint8Array): Uint8Array {
  return concat(ED25519_SPKI_PREFIX, raw);
}

/** An Ed25519 private key from its 32-byte seed (or 64-byte seed||public key), as DER PKCS#8. */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): WebhookKey {
  if (seed.length !== 32 && seed.length !== 64) throw new Error(`an Ed25519 private key is a 32-byte seed or 64-byte seed+public key (got ${seed.length} bytes)`);
  return { kind: 'ed25519-private', bytes: concat(ED25519_PKCS8_PREFIX, seed.subarray(0, 32)) };
}

/** Hex text or raw bytes of an Ed25519 public key (Discord's application public key). */
export function ed25519PublicKeyFromHex(secret: WebhookSecret): WebhookKey {
  if (typeof secret !== 'string') return ed25519PublicKey(secret);
  const raw = decodeHexStrict(secret.trim(), 32);
  if (raw === undefined) throw new Error('an Ed25519 public key must be 64 hex characters');
  return ed25519PublicKey(raw);
}

/** Hex text or raw bytes of an Ed25519 seed (for signing test deliveries). */
export function ed25519PrivateKeyFromHex(secret: WebhookSecret): WebhookKey {
  if (typeof secret !== 'string') return ed25519PrivateKeyFromSeed(secret);
  const raw = decodeHexStrict(secret.trim());
  if (raw === undefined) throw new Error('an Ed25519 private key must be hex (a 32-byte seed)');
  return ed25519PrivateKeyFromSeed(raw);
}

function derFromText(secret: string, label: string): Uint8Array {
  const trimmed = secret.trim();
  const pem = /^-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----$/.exec(trimmed);
  const body = pem === null ? trimmed : pem[2]!.replace(/\s+/g, '');
  const der = decodeBase64Strict(body, 'base64', undefined, 8192);
  if (der === undefined) throw new Error(`the ${label} must be base64 DER or PEM`);
  return der;
}

/** An ECDSA P-256 public key: base64 DER SPKI (SendGrid's verification key), PEM, or DER bytes. */
export function ecdsaP256PublicKey(secret: WebhookSecret): WebhookKey {
  const der = typeof secret === 'string' ? derFromText(secret, 'ECDSA public key') : copyBytes(secret);
  if (der.length !== P256_SPKI_PREFIX.length + 65 || !startsWith(der, P256_SPKI_PREFIX) || der[P256_SPKI_PREFIX.length] !== 0x04) {
    throw new Error('the ECDSA public key must be an uncompressed P-256 key in SPKI form');
  }
  return { kind: 'ecdsa-p256-public', bytes: der };
}

/** An ECDSA P-256 private key: base64 DER PKCS#8, PEM, or DER bytes (for signing test deliveries). */
export function ecdsaP256PrivateKey(secret: WebhookSecret): WebhookKey {
  const der = typeof secret === 'string' ? derFromText(secret, 'ECDSA private key') : copyBytes(secret);
  if (der[0] !== 0x30 || der.length < 64) throw new Error('the ECDSA private key must be PKCS#8 DER');
  return { kind: 'ecdsa-p256-private', bytes: der };
}

/**
 * Standard Webhooks keys: `whsec_<base64>` (or bare base64, padded or not) symmetric secrets and
 * `whpk_<base64>` Ed25519 public keys.
 */
export function standardWebhooksVerificationKey(secret: WebhookSecret): WebhookKey {
  if (typeof secret !== 'string') return utf8SecretKey(secret);
  if (secret.startsWith('whpk_')) {
    const raw = decodeBase64Strict(secret.slice(5), 'base64', 32);
    if (raw === undefined) throw new Error('a whpk_ key must be the base64 of a 32-byte Ed25519 public key');
    return ed25519PublicKey(raw);
  }
  const encoded = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  // Padding is optional, as in the standardwebhooks and svix libraries; the rest is read strictly.
  const remainder = encoded.length % 4;
  const padded = remainder === 2 || remainder === 3 ? encoded + '='.repeat(4 - remainder) : encoded;
  const bytes = decodeBase64Strict(padded, 'base64', undefined, 1024);
  if (bytes === undefined) throw new Error('a whsec_ secret must be base64 after the prefix (padding optional)');
  return { kind: 'symmetric', bytes };
}

/** Standard Webhooks signing keys: `whsec_` symmetric secrets and `whsk_<base64 seed>` Ed25519 keys. */
export function standardWebhooksSigningKey(secret: WebhookSecret): WebhookKey {
  if (typeof secret === 'string' && secret.startsWith('whsk_')) {
    const raw = decodeBase64Strict(secret.slice(5), 'base64', undefined, 64);
    if (raw === undefined) throw new Error('a whsk_ key must be the base64 of a 32-byte Ed25519 seed (or 64-byte seed+public key)');
    return ed25519PrivateKeyFromSeed(raw);
  }
  const key = standardWebhooksVerificationKey(secret);
  if (key.kind !== 'symmetric') throw new Error('a whpk_ public key cannot sign; use the whsk_ private key');
  return key;
}
