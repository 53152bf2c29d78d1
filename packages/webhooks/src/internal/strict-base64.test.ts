import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, encodeBase64 } from './strict-base64.js';

describe('strict base64', () => {
  it('round-trips any bytes in both variants and matches Buffer (property, seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (bytes) => {
        const standard = encodeBase64(bytes);
        const url = encodeBase64(bytes, 'base64url');
        expect(standard).toBe(Buffer.from(bytes).toString('base64'));
        expect(url).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64Strict(standard, 'base64', bytes.length)).toEqual(bytes);
        expect(decodeBase64Strict(url, 'base64url', bytes.length)).toEqual(bytes);
      }),
      { seed: 2, numRuns: 300 },
    );
  });

  it('rejects non-canonical, unpadded, whitespace and mixed-alphabet text', () => {
    expect(decodeBase64Strict('QQ==', 'base64')).toEqual(Uint8Array.of(0x41));
    expect(decodeBase64Strict('QR==', 'base64')).toBeUndefined(); // unused bits set: Buffer would accept it as "A"
    expect(decodeBase64Strict('QQ', 'base64')).toBeUndefined();
    expect(decodeBase64Strict('QQ=', 'base64')).toBeUndefined();
    expect(decodeBase64Strict('Q Q==', 'base64')).toBeUndefined();
    expect(decodeBase64Strict('Q===', 'base64')).toBeUndefined();
    expect(decodeBase64Strict('=QQ=', 'base64')).toBeUndefined();
    expect(decodeBase64Strict('-_8=', 'base64')).toBeUndefined();
    expect(decodeBase64Strict('+/8', 'base64url')).toBeUndefined();
    expect(decodeBase64Strict('QQ==', 'base64url')).toBeUndefined();
    expect(decodeBase64Strict('QUFB', 'base64', 2)).toBeUndefined();
    expect(decodeBase64Strict('é', 'base64')).toBeUndefined();
  });

  it('never throws on arbitrary text (property, seeded)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.constantFrom('base64' as const, 'base64url' as const), (text, variant) => {
        const decoded = decodeBase64Strict(text, variant);
        if (decoded !== undefined) expect(encodeBase64(decoded, variant)).toBe(text);
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});
