/** Strict decoding and encoding of signatures in the text encodings providers use. */
import type { SignatureAlgorithm } from '../webhook-provider.js';
import { signatureLength } from './algorithms.js';
import { isStrictDerEcdsaSignature } from './der-ecdsa.js';
import { decodeBase64Strict, encodeBase64 } from './strict-base64.js';
import { decodeHexStrict, encodeHex } from './strict-hex.js';

/** How a signature is written in a header. `utf8`: the text itself (tokens). */
export type SignatureEncoding = 'hex' | 'base64' | 'base64url' | 'utf8';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Longest token accepted (GitLab secret tokens), in UTF-16 code units. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * Decodes one signature (`text`, or `text[start, end)` without slicing) strictly, with the exact
 * length its algorithm produces (DER ECDSA signatures are checked structurally instead).
 * `undefined` when anything is off.
 */
export function decodeSignature(text: string, algorithm: SignatureAlgorithm, encoding: SignatureEncoding, start = 0, end = text.length): Uint8Array | undefined {
  if (encoding === 'utf8') {
    const length = end - start;
    return length <= 0 || length > MAX_TOKEN_LENGTH ? undefined : textEncoder.encode(text.slice(start, end));
  }
  const expected = signatureLength(algorithm);
  const maxBytes = algorithm === 'ecdsa-p256-sha256' ? 72 : 1024;
  const bytes = encoding === 'hex' ? decodeHexStrict(text, expected, maxBytes, start, end) : decodeBase64Strict(text, encoding, expected, maxBytes, start, end);
  if (bytes !== undefined && algorithm === 'ecdsa-p256-sha256' && !isStrictDerEcdsaSignature(bytes)) return undefined;
  return bytes;
}

/** Encodes signature bytes for a header. */
export function encodeSignature(bytes: Uint8Array, encoding: SignatureEncoding): string {
  if (encoding === 'hex') return encodeHex(bytes);
  if (encoding === 'utf8') return textDecoder.decode(bytes);
  return encodeBase64(bytes, encoding);
}
