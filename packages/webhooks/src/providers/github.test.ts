import { createHmac } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { github } from './github.js';

const SECRET = "It's a Secret to Everybody";

describe('github', () => {
  const verifier = createWebhookVerifier({ provider: github(), secrets: [SECRET] });

  it("verifies GitHub's documented test vector", () => {
    const result = verifier.verify({
      body: 'Hello, World!',
      headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'X-GitHub-Delivery': 'd-1', 'X-GitHub-Event': 'ping' },
    });
    expect(result).toMatchObject({ ok: true, provider: 'github', id: 'd-1', type: 'ping', replayProtected: false, timestamp: undefined });
  });

  it('agrees with @octokit/webhooks-methods in both directions (property, seeded)', async () => {
    const signer = createWebhookSigner({ provider: github(), secret: SECRET });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), async (payload) => {
        const theirs = await octokitSign(SECRET, payload);
        expect(verifier.verify({ body: payload, headers: { 'x-hub-signature-256': theirs } }).ok).toBe(true);
        expect(verifier.verify({ body: Buffer.from(payload, 'utf8'), headers: { 'x-hub-signature-256': theirs } }).ok).toBe(true);
        const ours = signer.sign({ body: payload }).headers['x-hub-signature-256']!;
        expect(ours).toBe(theirs);
        expect(await octokitVerify(SECRET, payload, ours)).toBe(true);
      }),
      { seed: 8, numRuns: 150 },
    );
  });

  it('rejects what octokit rejects for a wrong secret, and uppercase hex only where octokit does not care', async () => {
    const body = '{"zen":"Keep it logically awesome."}';
    const other = await octokitSign('another secret', body);
    expect(await octokitVerify(SECRET, body, other)).toBe(false);
    expect(verifier.verify({ body, headers: { 'x-hub-signature-256': other } })).toMatchObject({ ok: false, reason: 'mismatch' });
    // Strict decoding accepts both hex cases (the same bytes); octokit compares text and rejects upper case.
    const upper = 'sha256=' + (await octokitSign(SECRET, body)).slice(7).toUpperCase();
    expect(verifier.verify({ body, headers: { 'x-hub-signature-256': upper } }).ok).toBe(true);
  });

  it('rejects truncated, padded and non-hex signatures as malformed without throwing', () => {
    const good = createWebhookSigner({ provider: github(), secret: SECRET }).sign({ body: 'x' }).headers['x-hub-signature-256']!;
    for (const bad of [good.slice(0, -2), good + '00', good.replace(/.$/, 'g'), good.replace('sha256=', 'sha1='), `${good}, ${good}`]) {
      expect(verifier.verify({ body: 'x', headers: { 'x-hub-signature-256': bad } })).toMatchObject({ ok: false, reason: 'malformed_header' });
    }
  });

  it('uses the legacy SHA-1 header only when SHA-256 is absent, and only with allowWeakSchemes', () => {
    const sha1 = 'sha1=' + '2a'.repeat(20);
    expect(verifier.verify({ body: 'x', headers: { 'x-hub-signature': sha1 } })).toMatchObject({ ok: false, reason: 'weak_scheme_disabled' });
    const legacy = createWebhookVerifier({ provider: github(), secrets: [SECRET], allowWeakSchemes: true });
    const real = 'sha1=' + createHmac('sha1', SECRET).update('x').digest('hex');
    expect(legacy.verify({ body: 'x', headers: { 'x-hub-signature': real } })).toMatchObject({ ok: true, weakScheme: expect.stringContaining('SHA1') as unknown });
    // both present: SHA-256 decides, so a valid SHA-1 cannot rescue a wrong SHA-256
    expect(legacy.verify({ body: 'x', headers: { 'x-hub-signature': real, 'x-hub-signature-256': 'sha256=' + '00'.repeat(32) } })).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
