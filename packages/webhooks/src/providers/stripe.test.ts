import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { stripe } from './stripe.js';

const SECRET = 'whsec_test_5f2b1c';
const NOW = 1_700_000_000_000;
const T = NOW / 1000;
const sdk = new Stripe('sk_test_differential');

function verifier(secrets: string[] = [SECRET], nowMs = NOW) {
  return createWebhookVerifier({ provider: stripe(), secrets, clock: new ManualClock(nowMs) });
}

function sdkAccepts(body: string | Buffer, header: string, nowMs = NOW): boolean {
  try {
    return sdk.webhooks.signature!.verifyHeader(body, header, SECRET, 300, undefined, nowMs);
  } catch {
    return false;
  }
}

describe('stripe', () => {
  it('agrees with the Stripe SDK in both directions (property, seeded)', () => {
    const signer = createWebhookSigner({ provider: stripe(), secret: SECRET, clock: new ManualClock(NOW) });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 299 }), (payload, ageSeconds) => {
        const theirs = sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: T - ageSeconds });
        const result = verifier().verify({ body: Buffer.from(payload, 'utf8'), headers: { 'stripe-signature': theirs } });
        expect(result.ok).toBe(true);
        const ours = signer.sign({ body: payload, timestampMs: NOW - ageSeconds * 1000 }).headers['stripe-signature']!;
        expect(ours).toBe(theirs);
        expect(sdkAccepts(payload, ours)).toBe(true);
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it('tries every v1 signature against every secret and reports which secret matched', () => {
    const body = JSON.stringify({ id: 'evt_123', type: 'invoice.paid' });
    const oldSig = sdk.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_old', timestamp: T });
    const newSig = sdk.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: T });
    const header = `t=${T},v1=${'ab'.repeat(32)},v0=${'cd'.repeat(32)},${newSig.split(',')[1]!},${oldSig.split(',')[1]!}`;
    const result = verifier(['whsec_unrelated', 'whsec_old', SECRET]).verify({ body, headers: { 'Stripe-Signature': header } });
    expect(result).toMatchObject({ ok: true, secretIndex: 1, id: 'evt_123', type: 'invoice.paid', timestamp: NOW });
  });

  it('rejects timestamps from the future that the SDK accepts', () => {
    const body = '{"id":"evt_future"}';
    const header = sdk.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: T + 3600 });
    expect(sdkAccepts(body, header)).toBe(true);
    expect(verifier().verify({ body, headers: { 'stripe-signature': header } })).toMatchObject({ ok: false, reason: 'in_future' });
    expect(verifier().verify({ body, headers: { 'stripe-signature': header } }).ok).toBe(false);
  });

  it('reads the timestamp strictly where the SDK uses parseInt', () => {
    const body = '{"id":"evt_t"}';
    const signature = sdk.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: T }).split(',')[1]!;
    for (const t of [`${T}abc`, ` ${T}`, `+${T}`, `${T}.5`, `${T}e0`]) {
      expect(verifier().verify({ body, headers: { 'stripe-signature': `t=${t},${signature}` } })).toMatchObject({ ok: false, reason: 'malformed_header' });
    }
    expect(verifier().verify({ body, headers: { 'stripe-signature': `t=${T},t=${T},${signature}` } })).toMatchObject({ ok: false, reason: 'malformed_header' });
  });

  it('verifies exact bytes where the SDK decodes them lossily', () => {
    // Both bodies decode to U+FFFD with a lossy UTF-8 decoder: the SDK cannot tell them apart.
    const sent = Buffer.from([0x7b, 0xff, 0x7d]);
    const forged = Buffer.from([0x7b, 0xfe, 0x7d]);
    const header = createWebhookSigner({ provider: stripe(), secret: SECRET, clock: new ManualClock(NOW) }).sign({ body: sent }).headers['stripe-signature']!;
    const lossyHeader = sdk.webhooks.generateTestHeaderString({ payload: sent.toString('utf8'), secret: SECRET, timestamp: T });
    expect(sdkAccepts(sent, lossyHeader)).toBe(true);
    expect(sdkAccepts(forged, lossyHeader)).toBe(true);
    expect(verifier().verify({ body: sent, headers: { 'stripe-signature': header } }).ok).toBe(true);
    expect(verifier().verify({ body: forged, headers: { 'stripe-signature': header } })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('applies the 5-minute default age and a configurable window', () => {
    const body = '{"id":"evt_old"}';
    const header = sdk.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: T - 301 });
    expect(verifier().verify({ body, headers: { 'stripe-signature': header } })).toMatchObject({ ok: false, reason: 'too_old' });
    const relaxed = createWebhookVerifier({ provider: stripe(), secrets: [SECRET], clock: new ManualClock(NOW), maxAgeMs: 600_000 });
    expect(relaxed.verify({ body, headers: { 'stripe-signature': header } }).ok).toBe(true);
  });
});
