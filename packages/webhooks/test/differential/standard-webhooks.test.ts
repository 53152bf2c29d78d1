import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner, createWebhookVerifier, standardWebhooks, svix } from '../../src/index.js';
import { pinWallClock } from './helpers/wall-clock.js';

// Differential tests against standardwebhooks and svix for what their README examples leave out:
// unpadded secrets and long message ids. Both SDKs read the wall clock, which is pinned here.
const NOW = 1_767_000_000_000;
const KEY = Buffer.from('0123456789abcdef'); // 16 bytes: base64 needs "==" padding
const PADDED = `whsec_${KEY.toString('base64')}`;
const UNPADDED = PADDED.replace(/=+$/, '');

pinWallClock(NOW);

describe.each([
  { name: 'standardwebhooks', provider: standardWebhooks, prefix: 'webhook', sdk: (secret: string) => new StandardWebhook(secret) },
  { name: 'svix', provider: svix, prefix: 'svix', sdk: (secret: string) => new SvixWebhook(secret) },
])('$name SDK', ({ provider, prefix, sdk }) => {
  const clock = new ManualClock(NOW);
  const headersOf = (id: string, signature: string) => ({ [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(NOW / 1000), [`${prefix}-signature`]: signature });

  it('accepts an unpadded whsec_ secret in both directions, as the SDK does (property, seeded)', () => {
    expect(UNPADDED).not.toBe(PADDED);
    const theirs = sdk(UNPADDED);
    const verifier = createWebhookVerifier({ provider: provider(), secrets: [UNPADDED], clock });
    const signer = createWebhookSigner({ provider: provider(), secret: UNPADDED, clock });
    fc.assert(
      fc.property(fc.json({ maxDepth: 2 }), fc.stringMatching(/^msg_[A-Za-z0-9]{1,24}$/), (body, id) => {
        const signature = theirs.sign(id, new Date(NOW), body);
        expect(verifier.verify({ body: Buffer.from(body), headers: headersOf(id, signature) }).ok).toBe(true);
        const ours = signer.sign({ body, id }).headers;
        expect(ours[`${prefix}-signature`]).toBe(signature);
        expect(() => theirs.verify(body, ours)).not.toThrow();
      }),
      { seed: 22, numRuns: 60 },
    );
  });

  it('treats padded and unpadded spellings of a secret as the same key', () => {
    const signature = sdk(PADDED).sign('msg_1', new Date(NOW), '{}');
    expect(createWebhookVerifier({ provider: provider(), secrets: [UNPADDED], clock }).verify({ body: '{}', headers: headersOf('msg_1', signature) }).ok).toBe(true);
  });

  it('still refuses secrets that are not base64 (a lone trailing character cannot be unpadded base64)', () => {
    for (const secret of [`${UNPADDED}AAA`, 'whsec_not base64', `${PADDED}=`]) {
      expect(() => createWebhookVerifier({ provider: provider(), secrets: [secret] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });

  it('caps the message id at 256 characters, a documented limit the SDK does not have', () => {
    const verifier = createWebhookVerifier({ provider: provider(), secrets: [PADDED], clock });
    const theirs = sdk(PADDED);
    const atLimit = `msg_${'a'.repeat(252)}`;
    const signedAtLimit = theirs.sign(atLimit, new Date(NOW), '{}');
    expect(verifier.verify({ body: '{}', headers: headersOf(atLimit, signedAtLimit) }).ok).toBe(true);
    const overLimit = `${atLimit}b`;
    const headers = headersOf(overLimit, theirs.sign(overLimit, new Date(NOW), '{}'));
    expect(() => theirs.verify('{}', headers)).not.toThrow();
    expect(verifier.verify({ body: '{}', headers })).toMatchObject({ ok: false, reason: 'malformed_header', message: expect.stringContaining('1 to 256 characters') as unknown });
  });
});
