/**
 * HMAC (RFC 2104) from a key's precomputed padded blocks, on node:crypto hashes:
 *
 *   HMAC(K, m) = H((K0 ⊕ opad) || H((K0 ⊕ ipad) || m))
 *
 * where K0 is the key (first hashed with H when it is longer than H's block size) padded with zeros
 * to the block size, ipad is the byte 0x36 and opad 0x5c repeated. The two padded blocks are
 * computed once per secret. Per message:
 *
 * - messages of up to {@link ONE_SHOT_MAX_BYTES} (with the inner block) are written after
 *   K0 ⊕ ipad into a reusable scratch buffer and hashed with one `crypto.hash` call; longer ones are
 *   fed part by part (no copy of the body) into a copy of the hash state that already absorbed
 *   K0 ⊕ ipad;
 * - the outer hash is one `crypto.hash` call over K0 ⊕ opad followed by the inner digest.
 *
 * Digests come back as latin1 strings (the `binary` encoding: one character per byte): for a 20 to
 * 64-byte digest, a short V8 string costs about half of what a new Buffer from native code costs.
 * The caller copies the characters into a reusable buffer where it needs bytes.
 *
 * It computes the same bytes as `createHmac(hash, key)` (seeded differential property tests over
 * random keys of 0 to 300 bytes, messages on both paths and all three hashes check it) and avoids
 * what makes `createHmac` expensive for small bodies: a new HMAC context with its key set-up and a
 * stream object per call.
 * Verification is synchronous and single-threaded per isolate, so one scratch buffer is never used
 * by two computations at once. The scratch buffer keeps the last inner message (a key-derived block
 * and the signed content) until the next one overwrites it; the key-derived blocks live as long as
 * the verifier, as a `KeyObject` of the secret would.
 */
import * as nodeCrypto from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { SignedContent } from '../webhook-provider.js';
import type { WebhookBody } from '../webhook-request.js';
import { RenderedContent } from './signed-content-template.js';

/** The hashes webhook HMACs use. */
export type HmacHash = 'sha1' | 'sha256' | 'sha512';

const BLOCK_BYTES: Readonly<Record<HmacHash, number>> = { sha1: 64, sha256: 64, sha512: 128 };
const DIGEST_BYTES: Readonly<Record<HmacHash, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** Largest inner message (pad + signed content, worst-case UTF-8 length) hashed in one call. */
export const ONE_SHOT_MAX_BYTES = 16_384;

/**
 * One-shot `crypto.hash` (Node 20.12+, 21.7+); runtimes without it (older Bun or Deno) fall back to
 * `createHash(...).update(...).digest()`, which computes the same bytes.
 */
const oneShotHash = (nodeCrypto as Partial<typeof nodeCrypto>).hash;

/** The digest of `data` as a latin1 string. */
function hashOnce(hash: HmacHash, data: Uint8Array): string {
  return oneShotHash === undefined ? nodeCrypto.createHash(hash).update(data).digest('binary') : oneShotHash(hash, data, 'binary');
}

/** Writes a latin1 string's characters as bytes at `offset`. */
export function writeLatin1(target: Uint8Array, text: string, offset: number): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
}

/** A secret prepared for one hash. */
export interface HmacKey {
  readonly hash: HmacHash;
  /** K0 ⊕ ipad (one block). */
  readonly innerPad: Buffer;
  /** K0 ⊕ opad (one block) followed by room for the inner digest, filled per call. */
  readonly outer: Buffer;
  /** A hash state that absorbed K0 ⊕ ipad; copied for long messages, never updated itself. */
  readonly innerState: Hash;
}

/** Prepares `key` for HMACs with `hash`. */
export function createHmacKey(hash: HmacHash, key: Uint8Array): HmacKey {
  const blockBytes = BLOCK_BYTES[hash];
  const k0 = new Uint8Array(blockBytes);
  k0.set(key.byteLength > blockBytes ? nodeCrypto.createHash(hash).update(key).digest() : key);
  const innerPad = Buffer.alloc(blockBytes);
  const outer = Buffer.alloc(blockBytes + DIGEST_BYTES[hash]);
  for (let i = 0; i < blockBytes; i++) {
    innerPad[i] = k0[i]! ^ 0x36;
    outer[i] = k0[i]! ^ 0x5c;
  }
  k0.fill(0);
  return { hash, innerPad, outer, innerState: nodeCrypto.createHash(hash).update(innerPad) };
}

let scratch = Buffer.alloc(4096);

function scratchOf(bytes: number): Buffer {
  if (scratch.byteLength < bytes) scratch = Buffer.alloc(Math.min(ONE_SHOT_MAX_BYTES, Math.max(bytes, scratch.byteLength * 2)));
  return scratch;
}

/**
 * Writes `text` as UTF-8 at `offset` and returns the offset after it. ASCII (every template part in
 * practice) is copied code by code, which is cheaper than a native call for a few dozen characters;
 * anything else goes through `Buffer#write`. The caller reserved three bytes per code unit, so the
 * write is never truncated.
 */
function writeText(target: Buffer, text: string, offset: number): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return offset + target.write(text, offset, 'utf8');
    target[offset + i] = code;
  }
  return offset + length;
}

function writeParts(target: Buffer, parts: readonly string[], offset: number): number {
  let end = offset;
  for (const part of parts) end = writeText(target, part, end);
  return end;
}

function innerDigest(key: HmacKey, content: SignedContent, body: WebhookBody): string {
  const blockBytes = key.innerPad.byteLength;
  // Template-rendered content is written part by part: no concatenated string to build and flatten.
  const rendered = content instanceof RenderedContent ? content : undefined;
  const textLength = rendered === undefined ? content.prefix.length + content.suffix.length : rendered.partsLength;
  const bodyBound = content.includeBody ? (typeof body === 'string' ? body.length * 3 : body.byteLength) : 0;
  const bound = blockBytes + textLength * 3 + bodyBound;
  if (bound <= ONE_SHOT_MAX_BYTES) {
    const buffer = scratchOf(bound);
    buffer.set(key.innerPad, 0);
    let end = rendered === undefined ? writeText(buffer, content.prefix, blockBytes) : writeParts(buffer, rendered.prefixParts, blockBytes);
    if (content.includeBody) {
      if (typeof body === 'string') end += buffer.write(body, end, 'utf8');
      else {
        buffer.set(body, end);
        end += body.byteLength;
      }
    }
    end = rendered === undefined ? writeText(buffer, content.suffix, end) : writeParts(buffer, rendered.suffixParts, end);
    return hashOnce(key.hash, buffer.subarray(0, end));
  }
  const inner = key.innerState.copy();
  if (content.prefix.length > 0) inner.update(content.prefix, 'utf8');
  if (content.includeBody) inner.update(body);
  if (content.suffix.length > 0) inner.update(content.suffix, 'utf8');
  return inner.digest('binary');
}

/** HMAC of `prefix + body (when included) + suffix` (strings as UTF-8), as a latin1 string. */
export function computeHmac(key: HmacKey, content: SignedContent, body: WebhookBody): string {
  const outer = key.outer;
  writeLatin1(outer, innerDigest(key, content, body), key.innerPad.byteLength);
  return hashOnce(key.hash, outer);
}
