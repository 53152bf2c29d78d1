import { createPrivateKey, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecdsaKeys } from '../__fixtures__/keys.js';
import { derToP1363, p1363ToDer } from './der-ecdsa.js';

describe('ECDSA signature encodings', () => {
  const key = createPrivateKey({ key: Buffer.from(ecdsaKeys.privateBase64, 'base64'), format: 'der', type: 'pkcs8' });

  it('converts node:crypto DER and P1363 signatures into each other (property, seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (message) => {
        const der = sign('sha256', message, { key, dsaEncoding: 'der' });
        const raw = derToP1363(der);
        expect(raw).toHaveLength(64);
        expect(Buffer.from(p1363ToDer(raw!))).toEqual(der);
      }),
      { seed: 6, numRuns: 60 },
    );
  });

  it('rejects non-minimal, negative, truncated and trailing-garbage DER', () => {
    const der = sign('sha256', Buffer.from('x'), { key, dsaEncoding: 'der' });
    expect(derToP1363(der.subarray(0, der.length - 1))).toBeUndefined();
    expect(derToP1363(Buffer.concat([der, Buffer.of(0)]))).toBeUndefined();
    expect(derToP1363(Buffer.from('3006020100020100', 'hex'))).toBeDefined();
    expect(derToP1363(Buffer.from('300702020001020100', 'hex'))).toBeUndefined(); // 00 01: non-minimal
    expect(derToP1363(Buffer.from('3006020180020100', 'hex'))).toBeUndefined(); // negative
    expect(derToP1363(Buffer.from('3106020100020100', 'hex'))).toBeUndefined();
  });

  it('never throws on arbitrary bytes (property, seeded)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => void derToP1363(bytes)), { seed: 7, numRuns: 500 });
  });
});
