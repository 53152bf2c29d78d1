/**
 * ECDSA P-256 signatures in the two encodings in use: ASN.1 DER (`SEQUENCE { INTEGER r, INTEGER s }`,
 * what SendGrid sends and node:crypto produces) and IEEE P1363 (`r || s`, 64 bytes, what WebCrypto
 * produces and expects). DER is parsed strictly (minimal lengths and integers); anything else is
 * rejected before it reaches a crypto library.
 */

const COMPONENT_BYTES = 32;

function readInteger(der: Uint8Array, offset: number): { value: Uint8Array; next: number } | undefined {
  if (der[offset] !== 0x02) return undefined;
  const length = der[offset + 1];
  if (length === undefined || length === 0 || length > COMPONENT_BYTES + 1) return undefined;
  const start = offset + 2;
  const end = start + length;
  if (end > der.length) return undefined;
  const first = der[start]!;
  if (first & 0x80) return undefined; // negative
  if (first === 0 && length > 1 && (der[start + 1]! & 0x80) === 0) return undefined; // non-minimal
  let value = der.subarray(start, end);
  if (value[0] === 0 && value.length > 1) value = value.subarray(1);
  if (value.length > COMPONENT_BYTES) return undefined;
  return { value, next: end };
}

/** True when `der` is a strictly encoded P-256 ECDSA signature. */
export function isStrictDerEcdsaSignature(der: Uint8Array): boolean {
  return derToP1363(der) !== undefined;
}

/** Converts a strict DER signature to 64-byte P1363 `r || s`; `undefined` when malformed. */
export function derToP1363(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readInteger(der, 2);
  if (r === undefined) return undefined;
  const s = readInteger(der, r.next);
  if (s === undefined || s.next !== der.length) return undefined;
  const out = new Uint8Array(COMPONENT_BYTES * 2);
  out.set(r.value, COMPONENT_BYTES - r.value.length);
  out.set(s.value, COMPONENT_BYTES * 2 - s.value.length);
  return out;
}

function encodeInteger(component: Uint8Array): number[] {
  let start = 0;
  while (start < component.length - 1 && component[start] === 0) start++;
  const bytes = Array.from(component.subarray(start));
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return [0x02, bytes.length, ...bytes];
}

/** Converts a 64-byte P1363 `r || s` signature to DER. */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const r = encodeInteger(signature.subarray(0, COMPONENT_BYTES));
  const s = encodeInteger(signature.subarray(COMPONENT_BYTES, COMPONENT_BYTES * 2));
  return Uint8Array.from([0x30, r.length + s.length, ...r, ...s]);
}
