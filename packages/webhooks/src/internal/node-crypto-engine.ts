/**
 * Signature computation with node:crypto, synchronous. The hot path (HMAC) starts from the secret's
 * precomputed padded blocks (see precomputed-hmac.ts): no HMAC context is set up per request.
 * Comparison: exact length check, then `timingSafeEqual`.
 */
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { SignatureCandidate, SignedContent, SigningPlan, VerificationPlan, WebhookKey } from '../webhook-provider.js';
import type { WebhookBody } from '../webhook-request.js';
import { hmacHash } from './algorithms.js';
import { ed25519SpkiFromRaw } from './key-formats.js';
import { computeHmac, createHmacKey, writeLatin1, type HmacKey } from './precomputed-hmac.js';
import { encodeHex } from './strict-hex.js';

/** A key prepared for node:crypto once, at construction. */
export interface NodeKey {
  readonly kind: WebhookKey['kind'];
  readonly bytes: Uint8Array;
  /** Public or private KeyObject (asymmetric keys). */
  readonly object: KeyObject | undefined;
  /** The secret prepared for HMAC-SHA1, -SHA256 and -SHA512 (symmetric keys). */
  readonly hmac: HmacKeys | undefined;
  /** SHA-256 of the secret, for token comparison without a length oracle. */
  readonly tokenDigest: Buffer | undefined;
}

/** A symmetric secret prepared for each HMAC hash. */
interface HmacKeys {
  readonly sha1: HmacKey;
  readonly sha256: HmacKey;
  readonly sha512: HmacKey;
}

/**
 * Prepares a parsed key for node:crypto.
 * @throws Error when node:crypto rejects the key material.
 */
export function toNodeKey(key: WebhookKey): NodeKey {
  switch (key.kind) {
    case 'symmetric': {
      const hmac = { sha1: createHmacKey('sha1', key.bytes), sha256: createHmacKey('sha256', key.bytes), sha512: createHmacKey('sha512', key.bytes) };
      return { kind: key.kind, bytes: key.bytes, object: undefined, hmac, tokenDigest: createHash('sha256').update(key.bytes).digest() };
    }
    case 'ed25519-public':
      return { kind: key.kind, bytes: key.bytes, object: createPublicKey({ key: Buffer.from(ed25519SpkiFromRaw(key.bytes)), format: 'der', type: 'spki' }), hmac: undefined, tokenDigest: undefined };
    case 'ecdsa-p256-public':
      return { kind: key.kind, bytes: key.bytes, object: createPublicKey({ key: Buffer.from(key.bytes), format: 'der', type: 'spki' }), hmac: undefined, tokenDigest: undefined };
    default:
      return { kind: key.kind, bytes: key.bytes, object: createPrivateKey({ key: Buffer.from(key.bytes), format: 'der', type: 'pkcs8' }), hmac: undefined, tokenDigest: undefined };
  }
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
 * Two reusable off-heap buffers per signature length. Decoded signatures are small typed arrays that
 * V8 keeps on its heap; handing one to `timingSafeEqual` makes V8 allocate an ArrayBuffer for it on
 * every call (about 10% of a 1 KiB verification), and MACs arrive as latin1 strings. Copying both
 * into scratch buffers first is cheaper. Verification is synchronous, so a scratch pair is never
 * shared between calls. The copies do not branch on the bytes.
 */
const scratchByLength = new Map<number, readonly [Buffer, Buffer]>();

function scratchPair(length: number): readonly [Buffer, Buffer] {
  let pair = scratchByLength.get(length);
  if (pair === undefined) {
    pair = [Buffer.alloc(length), Buffer.alloc(length)];
    scratchByLength.set(length, pair);
  }
  return pair;
}

function equalBytes(candidate: Uint8Array, expected: Buffer): boolean {
  const length = expected.byteLength;
  if (candidate.byteLength !== length) return false;
  const [scratch] = scratchPair(length);
  scratch.set(candidate);
  return timingSafeEqual(scratch, expected);
}

/** Compares a decoded signature with a MAC given as a latin1 string: length check, then `timingSafeEqual`. */
function equalMac(candidate: Uint8Array, mac: string): boolean {
  const length = mac.length;
  if (candidate.byteLength !== length) return false;
  const [left, right] = scratchPair(length);
  left.set(candidate);
  writeLatin1(right, mac, 0);
  return timingSafeEqual(left, right);
}

/** The KeyObject of a public or private key. @throws Error for a symmetric key. */
function keyObject(key: NodeKey): KeyObject {
  if (key.object === undefined) throw new Error(`a ${key.kind} key has no public or private key object`);
  return key.object;
}

function verifyPublic(candidate: SignatureCandidate, key: NodeKey, data: Buffer): boolean {
  try {
    if (candidate.algorithm === 'ed25519') return cryptoVerify(null, data, keyObject(key), candidate.bytes);
    return cryptoVerify('sha256', data, { key: keyObject(key), dsaEncoding: 'der' }, candidate.bytes);
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
    const hmacKeys = key.hmac;
    let sha1: string | undefined;
    let sha256: string | undefined;
    let sha512: string | undefined;
    let sha256Digest: Buffer | undefined;
    for (let c = 0; c < candidates.length; c++) {
      const candidate = candidates[c]!;
      let matched = false;
      switch (candidate.algorithm) {
        case 'hmac-sha256':
          if (hmacKeys === undefined) continue;
          sha256 ??= computeHmac(hmacKeys.sha256, content, body);
          matched = equalMac(candidate.bytes, sha256);
          break;
        case 'hmac-sha1':
          if (hmacKeys === undefined) continue;
          sha1 ??= computeHmac(hmacKeys.sha1, content, body);
          matched = equalMac(candidate.bytes, sha1);
          break;
        case 'hmac-sha512':
          if (hmacKeys === undefined) continue;
          sha512 ??= computeHmac(hmacKeys.sha512, content, body);
          matched = equalMac(candidate.bytes, sha512);
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

/** HMAC-SHA256 of `message` with a symmetric key, as hex (Zoom's CRC answer); `undefined` for other keys. */
export function hmacSha256Hex(key: NodeKey, message: string): string | undefined {
  return key.hmac === undefined ? undefined : Buffer.from(computeHmac(key.hmac.sha256, { prefix: message, includeBody: false, suffix: '' }, ''), 'latin1').toString('hex');
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
      if (key.hmac === undefined) throw new Error(`${plan.algorithm} needs a symmetric key`);
      signature = Buffer.from(computeHmac(key.hmac[hmacHash(plan.algorithm).node], content, body), 'latin1');
      break;
    case 'sha256-digest':
      signature = digest(key.bytes, content, body);
      break;
    case 'token':
      signature = key.bytes;
      break;
    case 'ed25519':
      signature = cryptoSign(null, contiguous(content, body), keyObject(key));
      break;
    case 'ecdsa-p256-sha256':
      signature = cryptoSign('sha256', contiguous(content, body), { key: keyObject(key), dsaEncoding: 'der' });
      break;
  }
  return { signature, bodySha256Hex };
}
