import { createHmac } from 'node:crypto';
import { ManualClock } from '@iap/core';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner, createWebhookVerifier, linear } from '../../src/index.js';
import { pinWallClock } from './helpers/wall-clock.js';

// Differential tests against @linear/sdk's LinearWebhookClient (which reads Date.now(), pinned
// here). The SDK only verifies, so "SDK side" deliveries are signed by hand from Linear's
// documented scheme and must pass the SDK first.
const NOW = 1_767_000_000_000;
const SECRET = 'lin_wh_differential_secret';
const clock = new ManualClock(NOW);
const sdk = new LinearWebhookClient(SECRET);
const verifier = createWebhookVerifier({ provider: linear(), secrets: [SECRET], clock });

pinWallClock(NOW);

function linearSignature(body: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function sdkAccepts(body: string, signature: string): boolean {
  try {
    return sdk.verify(Buffer.from(body), signature);
  } catch {
    return false;
  }
}

describe('linear against @linear/sdk webhooks', () => {
  it('accepts what the SDK accepts and the SDK accepts what we sign (property, seeded)', () => {
    const signer = createWebhookSigner({ provider: linear(), secret: SECRET, clock });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: -59_000, max: 59_000 }), (title, offsetMs) => {
        const body = JSON.stringify({ action: 'create', type: 'Issue', data: { title }, webhookTimestamp: NOW + offsetMs });
        const theirs = linearSignature(body);
        expect(sdkAccepts(body, theirs)).toBe(true);
        expect(verifier.verify({ body: Buffer.from(body), headers: { 'linear-signature': theirs, 'linear-delivery': 'd-1', 'linear-event': 'Issue' } })).toMatchObject({ ok: true, id: 'd-1' });
        const ours = signer.sign({ body }).headers['linear-signature']!;
        expect(ours).toBe(theirs);
        expect(sdkAccepts(body, ours)).toBe(true);
      }),
      { seed: 27, numRuns: 60 },
    );
  });

  it('rejects a changed body, a wrong secret and a timestamp outside the minute, as the SDK does', () => {
    const body = JSON.stringify({ type: 'Issue', webhookTimestamp: NOW });
    const changed = JSON.stringify({ type: 'Comment', webhookTimestamp: NOW });
    expect(sdkAccepts(changed, linearSignature(body))).toBe(false);
    expect(verifier.verify({ body: changed, headers: { 'linear-signature': linearSignature(body) } })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(sdkAccepts(body, linearSignature(body, 'another'))).toBe(false);
    expect(verifier.verify({ body, headers: { 'linear-signature': linearSignature(body, 'another') } })).toMatchObject({ ok: false, reason: 'mismatch' });
    const stale = JSON.stringify({ type: 'Issue', webhookTimestamp: NOW - 61_000 });
    expect(sdkAccepts(stale, linearSignature(stale))).toBe(false);
    expect(verifier.verify({ body: stale, headers: { 'linear-signature': linearSignature(stale) } })).toMatchObject({ ok: false, reason: 'too_old' });
    const missing = JSON.stringify({ type: 'Issue' });
    expect(sdkAccepts(missing, linearSignature(missing))).toBe(false);
    expect(verifier.verify({ body: missing, headers: { 'linear-signature': linearSignature(missing) } }).ok).toBe(false);
  });
});
