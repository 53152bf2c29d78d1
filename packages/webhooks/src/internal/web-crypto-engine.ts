/**
 * Signature computation with WebCrypto (`crypto.subtle`), asynchronous, for edge runtimes (Workers,
 * Vercel Edge, Deno, Bun). Same decisions as the node:crypto engine; the signed message is
 * assembled into one buffer because `subtle` takes no streams. Comparison: exact length check, then
 * a constant-time XOR loop.
 */
import type { SignatureAlgorithm, SignatureCandidate, SignedContent, SigningPlan, VerificationPlan, WebhookKey } from '../webhook-provider.js';
import type { WebhookBody } from '../webhook-request.js';
import { hmacHash } from './algorithms.js';
import { derToP1363, p1363ToDer } from './der-ecdsa.js';
import { encodeHex } from './strict-hex.js';

type Subtle = typeof globalThis.crypto.subtle;
type CryptoKeyHandle = Awaited<ReturnType<Subtle['importKey']>>;
type HashName = 'SHA-1' | 'SHA-256' | 'SHA-512';

const textEncoder = new TextEncoder();

function subtle(): Subtle {
  const value = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (value === undefined) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available in this runtime');
  return value;
}

/** A view of `bytes` whose buffer is a plain ArrayBuffer, as WebCrypto's types require. */
function plain(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : Uint8Array.from(bytes);
}

function bodyBytes(body: WebhookBody): Uint8Array {
  return typeof body === 'string' ? textEncoder.encode(body) : body;
}

/** `prefix + body + suffix` as one buffer. */
function assemble(content: SignedContent, body: WebhookBody, prepend?: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = textEncoder.encode(content.prefix);
  const middle = content.includeBody ? bodyBytes(body) : new Uint8Array(0);
  const suffix = textEncoder.encode(content.suffix);
  const head = prepend ?? new Uint8Array(0);
  const out = new Uint8Array(head.length + prefix.length + middle.length + suffix.length);
  out.set(head, 0);
  out.set(prefix, head.length);
  out.set(middle, head.length + prefix.length);
  out.set(suffix, head.length + prefix.length + middle.length);
  return out;
}

/** Constant-time equality of two byte arrays of known-public length. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A key prepared for WebCrypto; imports happen once and are cached per use. */
export class WebKey {
  readonly kind: WebhookKey['kind'];
  readonly bytes: Uint8Array;
  readonly #imports = new Map<string, Promise<CryptoKeyHandle>>();
  #tokenDigest: Promise<Uint8Array> | undefined;

  constructor(key: WebhookKey) {
    this.kind = key.kind;
    this.bytes = key.bytes;
  }

  /** Imports the key for `use` (an HMAC hash, `verify` or `sign`), once. */
  import(use: HashName | 'verify' | 'sign'): Promise<CryptoKeyHandle> {
    let pending = this.#imports.get(use);
    if (pending === undefined) {
      pending = this.#doImport(use);
      this.#imports.set(use, pending);
    }
    return pending;
  }

  /** SHA-256 of the secret (token comparison without a length oracle). */
  tokenDigest(): Promise<Uint8Array> {
    this.#tokenDigest ??= sha256(this.bytes);
    return this.#tokenDigest;
  }

  async #doImport(use: HashName | 'verify' | 'sign'): Promise<CryptoKeyHandle> {
    const bytes = plain(this.bytes);
    switch (this.kind) {
      case 'symmetric':
        return subtle().importKey('raw', bytes, { name: 'HMAC', hash: use }, false, ['sign']);
      case 'ed25519-public':
        return subtle().importKey('raw', bytes, { name: 'Ed25519' }, false, ['verify']);
      case 'ed25519-private':
        return subtle().importKey('pkcs8', bytes, { name: 'Ed25519' }, false, ['sign']);
      case 'ecdsa-p256-public':
        return subtle().importKey('spki', bytes, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      case 'ecdsa-p256-private':
        return subtle().importKey('pkcs8', bytes, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    }
  }
}

/** SHA-256 of bytes. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', plain(bytes)));
}

async function hmac(key: WebKey, hash: HashName, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', await key.import(hash), data));
}

async function verifyPublic(candidate: SignatureCandidate, key: WebKey, data: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const cryptoKey = await key.import('verify');
  try {
    if (candidate.algorithm === 'ed25519') return await subtle().verify({ name: 'Ed25519' }, cryptoKey, plain(candidate.bytes), data);
    const raw = derToP1363(candidate.bytes);
    return raw !== undefined && (await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, cryptoKey, plain(raw), data));
  } catch {
    return false;
  }
}

function isHmac(algorithm: SignatureAlgorithm): algorithm is 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha512' {
  return algorithm === 'hmac-sha1' || algorithm === 'hmac-sha256' || algorithm === 'hmac-sha512';
}

async function matchContent(content: SignedContent, candidates: readonly SignatureCandidate[], body: WebhookBody, keys: readonly WebKey[]): Promise<number> {
  const data = assemble(content, body);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const macs = new Map<string, Uint8Array>();
    for (const candidate of candidates) {
      const { algorithm } = candidate;
      let matched = false;
      if (isHmac(algorithm)) {
        if (key.kind !== 'symmetric') continue;
        let mac = macs.get(algorithm);
        if (mac === undefined) {
          mac = await hmac(key, hmacHash(algorithm).web, data);
          macs.set(algorithm, mac);
        }
        matched = constantTimeEqual(candidate.bytes, mac);
      } else if (algorithm === 'sha256-digest') {
        if (key.kind !== 'symmetric') continue;
        let digest = macs.get(algorithm);
        if (digest === undefined) {
          digest = await sha256(assemble(content, body, key.bytes));
          macs.set(algorithm, digest);
        }
        matched = constantTimeEqual(candidate.bytes, digest);
      } else if (algorithm === 'token') {
        if (key.kind !== 'symmetric') continue;
        matched = constantTimeEqual(await sha256(candidate.bytes), await key.tokenDigest());
      } else if (algorithm === 'ed25519') {
        if (key.kind !== 'ed25519-public') continue;
        matched = await verifyPublic(candidate, key, data);
      } else {
        if (key.kind !== 'ecdsa-p256-public') continue;
        matched = await verifyPublic(candidate, key, data);
      }
      if (matched) return k;
    }
  }
  return -1;
}

/** Tries every candidate against every key (and every alternative content); index of the matching key or -1. */
export async function matchSignatureAsync(plan: VerificationPlan, body: WebhookBody, keys: readonly WebKey[]): Promise<number> {
  const index = await matchContent(plan.content, plan.candidates, body, keys);
  if (index >= 0 || plan.alternativeContents === undefined) return index;
  for (const content of plan.alternativeContents) {
    const alternative = await matchContent(content, plan.candidates, body, keys);
    if (alternative >= 0) return alternative;
  }
  return -1;
}

/** Whether the body's SHA-256 equals `expected`. */
export async function bodyDigestMatchesAsync(body: WebhookBody, expected: Uint8Array): Promise<boolean> {
  return constantTimeEqual(await sha256(bodyBytes(body)), expected);
}

/** HMAC-SHA256 hex of `message` (Zoom CRC). */
export async function hmacSha256HexAsync(key: WebKey, message: string): Promise<string> {
  return encodeHex(await hmac(key, 'SHA-256', plain(textEncoder.encode(message))));
}

/** Computes the signature a signing plan asks for. */
export async function computeSignatureAsync(plan: SigningPlan, key: WebKey, body: WebhookBody): Promise<{ signature: Uint8Array; bodySha256Hex: string | undefined }> {
  const bodySha256Hex = plan.needsBodySha256 ? encodeHex(await sha256(bodyBytes(body))) : undefined;
  const content = plan.content(bodySha256Hex);
  const algorithm = plan.algorithm;
  let signature: Uint8Array;
  if (isHmac(algorithm)) signature = await hmac(key, hmacHash(algorithm).web, assemble(content, body));
  else if (algorithm === 'sha256-digest') signature = await sha256(assemble(content, body, key.bytes));
  else if (algorithm === 'token') signature = key.bytes;
  else if (algorithm === 'ed25519') signature = new Uint8Array(await subtle().sign({ name: 'Ed25519' }, await key.import('sign'), assemble(content, body)));
  else signature = p1363ToDer(new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: 'SHA-256' }, await key.import('sign'), assemble(content, body))));
  return { signature, bodySha256Hex };
}
