/**
 * Fixed test keys for the public-key providers (never used outside tests): an Ed25519 pair from a
 * fixed seed, and an ECDSA P-256 pair.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const edSeed = Buffer.alloc(32);
for (let i = 0; i < 32; i++) edSeed[i] = (i * 37 + 11) & 0xff;

function publicFromSeed(seed: Buffer): Buffer {
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
}

const edPublic = publicFromSeed(edSeed);

/** Discord-style hex keys and Standard Webhooks whpk_/whsk_ keys of one Ed25519 pair (plus an unrelated public key). */
export const ed25519Keys = {
  publicHex: edPublic.toString('hex'),
  otherPublicHex: publicFromSeed(Buffer.alloc(32, 7)).toString('hex'),
  seedHex: edSeed.toString('hex'),
  whpk: `whpk_${edPublic.toString('base64')}`,
  whsk: `whsk_${edSeed.toString('base64')}`,
};

const ecPrivateBase64 =
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGLqqTeB5aYkuJ82XftHUGcRQ7ZEgC8bMMpNt2mGcnMuhRANCAAQWiF8J4bSGUayKxLTkHwYQ4TRt0ovvFRCh0Evnlf/lAMb47unSVYtMSbTbd/TL9oDahu6k0Je9f56Oa9XEFFgu';
const ecPublicBase64 = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFohfCeG0hlGsisS05B8GEOE0bdKL7xUQodBL55X/5QDG+O7p0lWLTEm023f0y/aA2obupNCXvX+ejmvVxBRYLg==';

/** SendGrid-style ECDSA P-256 keys: base64 DER SPKI and PEM (public), base64 PKCS#8 (private). */
export const ecdsaKeys = {
  publicBase64: ecPublicBase64,
  publicPem: createPublicKey({ key: Buffer.from(ecPublicBase64, 'base64'), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString(),
  privateBase64: ecPrivateBase64,
  /** An unrelated P-256 public key. */
  otherPublicBase64: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhU4jydVqDh2VIsifptjaYNUPVXenAwrjfm5ZVMGLSfx+epvOl11dtyu4ZCmBXlUF8cJIDNRpk8sh7BfVTqHCwg==',
};
