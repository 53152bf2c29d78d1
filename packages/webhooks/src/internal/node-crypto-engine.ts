/**
 * Signature computation with node:crypto, synchronous. The hot path (HMAC) feeds the prefix, the
 * body and the suffix straight into `createHmac`: bytes are never copied, strings are hashed as
 * UTF-8 by OpenSSL without an intermediate Buffer. Comparison: exact length check, then
 * `timingSafeEqual`.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, createSecretKey, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { SignatureCandidate, SignedContent, SigningPlan, VerificationPlan, WebhookKey } from '../webhook-provider.js';
import type { WebhookBody } from '../webhook-request.js';
import { hmacHash } from './algorithms.js';
import { ed25519SpkiFromRaw } from './key-formats.js';
import { encodeHex } from './strict-hex.js';

/** A key prepared for node:crypto once, at construction. */
export interface NodeKey {
  readonly kind: WebhookKey['kind'];
  readonly bytes: Uint8Array;
  /** Secret (symmetric), public or private KeyObject. */
  readonly object: KeyObject;
  /** SHA-256 of the secret, for token comparison without a length oracle. */
  readonly tokenDigest: Buffer | undefined;
}

/**
 * Prepares a parsed key for node:crypto.
 * @throws Error when node:crypto rejects the key material.
 */
export function toNodeKey(key: WebhookKey): NodeKey {
  switch (key.kind) {
    case 'symmetric':
      return { kind: key.kind, bytes: key.bytes, object: createSecretKey(key.bytes), tokenDigest: createHash('sha256').update(key.bytes).digest() };
    case 'ed25519-public':
      return { kind: key.kind, bytes: key.bytes, object: createPublicKey({ key: Buffer.from(ed25519SpkiFromRaw(key.bytes)), format: 'der', type: 'spki' }), tokenDigest: undefined };
    case 'ecdsa-p256-public':
      return { kind: key.kind, bytes: key.bytes, object: createPublicKey({ key: Buffer.from(key.bytes), format: 'der', type: 'spki' }), tokenDigest: undefined };
    default:
      return { kind: key.kind, bytes: key.bytes, object: createPrivateKey({ key: Buffer.from(key.bytes), format: 'der', type: 'pkcs8' }), tokenDigest: undefined };
  }
}

function hmac(hash: string, key: KeyObject, content: SignedContent, body: WebhookBody): Buffer {
  const mac = createHmac(hash, key);
  if (content.prefix.length > 0) mac.update(content.prefix);
  if (content.includeBody) mac.update(body);
  if (content.suffix.length > 0) mac.update(content.suffix);
  return mac.digest();
}

function digest(key: Uint8Array, content: SignedContent, body: WebhookBody): Buffer {
  const hash = createHash('sha256').update(key);
  if (content.prefix.length > 0) hash.update(content.prefix);
  if (content.includeBody) hash.update(body);
  if (content.suffix.length > 0) hash.update(content.suffix);
  return hash.digest();
}

/** The signed message as one Buffer (public-key schemes need it whole). */
function contiguous(content: SignedContent, body: WebhookBody): Buffer {
  const parts: Buffer[] = [Buffer.from(content.prefix, 'utf8')];
  if (content.includeBody) parts.push(typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  parts.push(Buffer.from(content.suffix, 'utf8'));
  return Buffer.concat(parts);
}

/**
 * One reusable off-heap buffer per signature length. Decoded signatures are small typed arrays that
 * V8 keeps on its heap; handing one to `timingSafeEqual` makes V8 allocate an ArrayBuffer for it on
 * every call (about 10% of a 1 KiB verification). Copying the bytes into a scratch Buffer first is
 * cheaper. Verification is synchronous, so one scratch per length is never shared between calls.
 */
const scratchByLength = new Map<number, Buffer>();

function equalBytes(candidate: Uint8Array, expected: Buffer): boolean {
  const length = expected.byteLength;
  if (candidate.byteLength !== length) return false;
  let scratch = scratchByLength.get(length);
  if (scratch === undefined) {
    scratch = Buffer.alloc(length);
    scratchByLength.set(length, scratch);
  }
  scratch.set(candidate);
  return timingSafeEqual(scratch, expected);
}

function verifyPublic(candidate: SignatureCandidate, key: NodeKey, data: Buffer): boolean {
  try {
    if (candidate.algorithm === 'ed25519') return cryptoVerify(null, data, key.object, candidate.bytes);
    return cryptoVerify('sha256', data, { key: key.object, dsaEncoding: 'der' }, candidate.bytes);
  } catch {
    return false;
  }
}

/**
 * Tries every candidate against every key; returns the index of the first key that matched, or -1.
 * Each key's MAC is computed once per hash, however many signatures the header carries.
 */
export function matchSignature(plan: VerificationPlan, body: WebhookBody, keys: readonly NodeKey[]): number {
  const index = matchContent(plan.content, plan.candidates, body, keys);
  if (index >= 0 || plan.alternativeContents === undefined) return index;
  for (const content of plan.alternativeContents) {
    const alternative = matchContent(content, plan.candidates, body, keys);
    if (alternative >= 0) return alternative;
  }
  return -1;
}

function matchContent(content: SignedContent, candidates: readonly SignatureCandidate[], body: WebhookBody, keys: readonly NodeKey[]): number {
  let data: Buffer | undefined;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    let sha1: Buffer | undefined;
    let sha256: Buffer | undefined;
    let sha512: Buffer | undefined;
    let sha256Digest: Buffer | undefined;
    for (let c = 0; c < candidates.length; c++) {
      const candidate = candidates[c]!;
      let matched = false;
      switch (candidate.algorithm) {
        case 'hmac-sha256':
          if (key.kind !== 'symmetric') continue;
          sha256 ??= hmac('sha256', key.object, content, body);
          matched = equalBytes(candidate.bytes, sha256);
          break;
        case 'hmac-sha1':
        case 'hmac-sha512':
          if (key.kind !== 'symmetric') continue;
          if (candidate.algorithm === 'hmac-sha1') matched = equalBytes(candidate.bytes, (sha1 ??= hmac(hmacHash(candidate.algorithm).node, key.object, content, body)));
          else matched = equalBytes(candidate.bytes, (sha512 ??= hmac(hmacHash(candidate.algorithm).node, key.object, content, body)));
          break;
        case 'sha256-digest':
          if (key.kind !== 'symmetric') continue;
          matched = equalBytes(candidate.bytes, (sha256Digest ??= digest(key.bytes, content, body)));
          break;
        case 'token':
          if (key.kind !== 'symmetric' || key.tokenDigest === undefined) continue;
          matched = equalBytes(createHash('sha256').update(candidate.bytes).digest(), key.tokenDigest);
          break;
        case 'ed25519':
          if (key.kind !== 'ed25519-public') continue;
          matched = verifyPublic(candidate, key, (data ??= contiguous(content, body)));
          break;
        case 'ecdsa-p256-sha256':
          if (key.kind !== 'ecdsa-p256-public') continue;
          matched = verifyPublic(candidate, key, (data ??= contiguous(content, body)));
          break;
      }
      if (matched) return k;
    }
  }
  return -1;
}

/** SHA-256 of the body. */
export function sha256Bytes(body: WebhookBody): Buffer {
  return createHash('sha256').update(body).digest();
}

/** Whether the body's SHA-256 equals `expected` (Twilio `bodySHA256`). */
export function bodyDigestMatches(body: WebhookBody, expected: Uint8Array): boolean {
  return equalBytes(expected, sha256Bytes(body));
}

/** HMAC-SHA256 of `message` with a symmetric key, as hex (Zoom's CRC answer). */
export function hmacSha256Hex(key: NodeKey, message: string): string {
  return createHmac('sha256', key.object).update(message).digest('hex');
}

/** Computes the signature a signing plan asks for. */
export function computeSignature(plan: SigningPlan, key: NodeKey, body: WebhookBody): { signature: Uint8Array; bodySha256Hex: string | undefined } {
  const bodySha256Hex = plan.needsBodySha256 ? encodeHex(sha256Bytes(body)) : undefined;
  const content = plan.content(bodySha256Hex);
  let signature: Uint8Array;
  switch (plan.algorithm) {
    case 'hmac-sha1':
    case 'hmac-sha256':
    case 'hmac-sha512':
      signature = hmac(hmacHash(plan.algorithm).node, key.object, content, body);
      break;
    case 'sha256-digest':
      signature = digest(key.bytes, content, body);
      break;
    case 'token':
      signature = key.bytes;
      break;
    case 'ed25519':
      signature = cryptoSign(null, contiguous(content, body), key.object);
      break;
    case 'ecdsa-p256-sha256':
      signature = cryptoSign('sha256', contiguous(content, body), { key: key.object, dsaEncoding: 'der' });
      break;
  }
  return { signature, bodySha256Hex };
}
