import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { svix } from './svix.js';

const SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

describe('svix', () => {
  it('agrees with the svix SDK in both directions (property, seeded)', () => {
    const now = Date.now();
    const sdk = new Webhook(SECRET);
    const verifier = createWebhookVerifier({ provider: svix(), secrets: [SECRET], clock: new ManualClock(now) });
    const signer = createWebhookSigner({ provider: svix(), secret: SECRET, clock: new ManualClock(now) });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const body = JSON.stringify({ type: 'user.created', data: { text } });
        const headers = { 'svix-id': 'msg_2', 'svix-timestamp': String(Math.floor(now / 1000)), 'svix-signature': sdk.sign('msg_2', new Date(now), body) };
        expect(verifier.verify({ body, headers })).toMatchObject({ ok: true, id: 'msg_2', type: 'user.created' });
        const ours = signer.sign({ body, id: 'msg_3', timestampMs: now }).headers;
        expect(() => sdk.verify(body, ours)).not.toThrow();
      }),
      { seed: 5, numRuns: 100 },
    );
  });

  it('accepts the webhook-* header names, as the SDK does', () => {
    const now = 1_700_000_000_000;
    const body = '{"type":"x"}';
    const headers = { 'webhook-id': 'msg_4', 'webhook-timestamp': String(now / 1000), 'webhook-signature': new Webhook(SECRET).sign('msg_4', new Date(now), body) };
    expect(createWebhookVerifier({ provider: svix(), secrets: [SECRET], clock: new ManualClock(now) }).verify({ body, headers }).ok).toBe(true);
  });
});
