import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHexStrict, encodeHex } from './strict-hex.js';

describe('strict hex', () => {
  it('round-trips any bytes and matches Buffer (property, seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const hex = encodeHex(bytes);
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
        expect(decodeHexStrict(hex, bytes.length)).toEqual(bytes);
        expect(decodeHexStrict(hex.toUpperCase(), bytes.length)).toEqual(bytes);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('rejects wrong lengths and any non-hex character where Buffer.from silently truncates', () => {
    expect(Buffer.from('abzz', 'hex')).toHaveLength(1);
    expect(decodeHexStrict('abzz', 2)).toBeUndefined();
    expect(decodeHexStrict('abc', undefined)).toBeUndefined();
    expect(decodeHexStrict('abcd', 3)).toBeUndefined();
    expect(decodeHexStrict(' abc', 2)).toBeUndefined();
    expect(decodeHexStrict('', undefined)).toBeUndefined();
    expect(decodeHexStrict('ab'.repeat(10), undefined, 4)).toBeUndefined();
  });
});
