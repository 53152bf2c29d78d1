import { createHmac } from 'node:crypto';
import type * as NodeCrypto from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SignedContent } from '../webhook-provider.js';
import type { WebhookBody } from '../webhook-request.js';
import { computeHmac, createHmacKey, ONE_SHOT_MAX_BYTES, type HmacHash } from './precomputed-hmac.js';
import { RenderedContent } from './signed-content-template.js';

const HASHES: readonly HmacHash[] = ['sha1', 'sha256', 'sha512'];
const BLOCK_BYTES: Readonly<Record<HmacHash, number>> = { sha1: 64, sha256: 64, sha512: 128 };

/** The reference: node:crypto's own HMAC over the same parts, strings as UTF-8. */
function reference(hash: HmacHash, key: Uint8Array, content: SignedContent, body: WebhookBody): string {
  const mac = createHmac(hash, key).update(content.prefix, 'utf8');
  if (content.includeBody) mac.update(body);
  return mac.update(content.suffix, 'utf8').digest('hex');
}

function ours(hash: HmacHash, key: Uint8Array, content: SignedContent, body: WebhookBody, compute = computeHmac, prepare = createHmacKey): string {
  return Buffer.from(compute(prepare(hash, key), content, body), 'latin1').toString('hex');
}

/** Deterministic pseudo-random bytes (a long body without generating it element by element). */
function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** Any UTF-16 code unit, lone surrogates included (both implementations write them as U+FFFD). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: codeUnit, maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

const smallBody: fc.Arbitrary<WebhookBody> = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: codeUnit, maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }));
/** Bodies on both sides of the one-shot limit, so both the one-shot and the streaming path run. */
const largeBody: fc.Arbitrary<WebhookBody> = fc.oneof(
  fc.tuple(fc.integer({ min: ONE_SHOT_MAX_BYTES - 400, max: ONE_SHOT_MAX_BYTES * 3 }), fc.integer()).map(([length, seed]) => bytesOf(length, seed)),
  fc.tuple(fc.integer({ min: 1000, max: 12_000 }), anyText).map(([repeat, text]) => (text.length === 0 ? 'x' : text).repeat(Math.ceil(repeat / Math.max(1, text.length)))),
);

/** Plain content, or template-rendered content (written part by part). */
const content: fc.Arbitrary<SignedContent> = fc.oneof(
  fc.record({ prefix: anyText, includeBody: fc.boolean(), suffix: anyText }),
  fc.tuple(fc.array(anyText, { maxLength: 5 }), fc.boolean(), fc.array(anyText, { maxLength: 3 })).map(([before, includeBody, after]) => new RenderedContent(before, includeBody, after)),
);

describe('HMAC from precomputed pads', () => {
  afterEach(() => {
    vi.doUnmock('node:crypto');
    vi.resetModules();
  });

  it('equals createHmac for random keys of 0 to 300 bytes, messages and every hash (differential, seeded)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HASHES), fc.uint8Array({ maxLength: 300 }), content, smallBody, (hash, key, signed, body) => {
        expect(ours(hash, key, signed, body)).toBe(reference(hash, key, signed, body));
      }),
      { seed: 8_2026, numRuns: 1500 },
    );
  });

  it('equals createHmac for bodies around and beyond the one-shot limit (differential, seeded)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HASHES), fc.uint8Array({ maxLength: 300 }), content, largeBody, (hash, key, signed, body) => {
        expect(ours(hash, key, signed, body)).toBe(reference(hash, key, signed, body));
      }),
      { seed: 8_2027, numRuns: 120 },
    );
  });

  it('equals createHmac for keys at every block-size boundary and messages at the one-shot limit', () => {
    for (const hash of HASHES) {
      const block = BLOCK_BYTES[hash];
      for (const keyLength of [0, 1, block - 1, block, block + 1, 2 * block, 300]) {
        const key = bytesOf(keyLength, keyLength + 7);
        // the one-shot bound is pad + 3 bytes per prefix/suffix code unit + body bytes
        for (const bodyLength of [0, ONE_SHOT_MAX_BYTES - block - 3, ONE_SHOT_MAX_BYTES - block - 2, ONE_SHOT_MAX_BYTES - block]) {
          const body = bytesOf(bodyLength, bodyLength + 1);
          const signed = { prefix: '1.', includeBody: true, suffix: '' };
          expect(ours(hash, key, signed, body)).toBe(reference(hash, key, signed, body));
        }
      }
    }
  });

  it('keeps keys, hashes and scratch state apart across interleaved computations', () => {
    const keys = [bytesOf(10, 1), bytesOf(100, 2), bytesOf(200, 3)];
    const prepared = keys.map((key) => HASHES.map((hash) => createHmacKey(hash, key)));
    const messages: Array<[SignedContent, WebhookBody]> = [
      [{ prefix: 'a', includeBody: true, suffix: 'z' }, bytesOf(ONE_SHOT_MAX_BYTES * 2, 9)],
      [new RenderedContent(['msg_1', '.', '1700000000', '.'], true, []), 'Größe ✓ 日本語'],
      [{ prefix: '', includeBody: false, suffix: '' }, ''],
      [{ prefix: 'é'.repeat(6000), includeBody: true, suffix: '' }, bytesOf(3, 4)],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [signed, body] of messages) {
        keys.forEach((key, k) => {
          HASHES.forEach((hash, h) => {
            const mac = Buffer.from(computeHmac(prepared[k]![h]!, signed, body), 'latin1').toString('hex');
            expect(mac).toBe(reference(hash, key, signed, body));
          });
        });
      }
    }
  });

  it('does not depend on the caller keeping the key bytes unchanged', () => {
    const key = bytesOf(40, 5);
    const prepared = createHmacKey('sha256', key);
    const expected = reference('sha256', key, { prefix: 'p', includeBody: true, suffix: '' }, 'body');
    key.fill(0);
    expect(Buffer.from(computeHmac(prepared, { prefix: 'p', includeBody: true, suffix: '' }, 'body'), 'latin1').toString('hex')).toBe(expected);
  });

  it('computes the same bytes on runtimes without crypto.hash (createHash fallback, seeded)', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => {
      const actual = await importOriginal<typeof NodeCrypto>();
      return { ...actual, hash: undefined, default: { ...actual, hash: undefined } };
    });
    const fallback = await import('./precomputed-hmac.js');
    const mocked = await import('node:crypto');
    expect((mocked as { hash?: unknown }).hash).toBeUndefined();
    fc.assert(
      fc.property(fc.constantFrom(...HASHES), fc.uint8Array({ maxLength: 300 }), content, fc.oneof(smallBody, largeBody), (hash, key, signed, body) => {
        expect(ours(hash, key, signed, body, fallback.computeHmac, fallback.createHmacKey)).toBe(reference(hash, key, signed, body));
      }),
      { seed: 8_2028, numRuns: 100 },
    );
  });
});
