import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ed25519Keys } from '../__fixtures__/keys.js';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { standardWebhooks } from './standard-webhooks.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('standard webhooks', () => {
  it("verifies the specification's test vector", () => {
    const verifier = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET], clock: new ManualClock(1_614_265_330_000) });
    const result = verifier.verify({
      body: '{"test": 2432232314}',
      headers: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
    });
    expect(result).toMatchObject({ ok: true, id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1_614_265_330_000, replayProtected: true });
  });

  it('agrees with the standardwebhooks SDK in both directions (property, seeded)', () => {
    // The SDK reads the wall clock, so the delivery is signed "now"; nothing here asserts a time.
    const now = Date.now();
    const sdk = new Webhook(SECRET);
    const verifier = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET], clock: new ManualClock(now) });
    const signer = createWebhookSigner({ provider: standardWebhooks(), secret: SECRET, clock: new ManualClock(now) });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.stringMatching(/^msg_[A-Za-z0-9]{1,24}$/), (text, id) => {
        const body = JSON.stringify({ type: 'x', text });
        const signature = sdk.sign(id, new Date(now), body);
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now / 1000)), 'webhook-signature': signature };
        expect(verifier.verify({ body: Buffer.from(body), headers }).ok).toBe(true);
        const ours = signer.sign({ body, id, timestampMs: now }).headers;
        expect(ours['webhook-signature']).toBe(signature);
        expect(() => sdk.verify(body, ours)).not.toThrow();
      }),
      { seed: 21, numRuns: 120 },
    );
  });

  it('widens the window where the SDK is fixed at 5 minutes', () => {
    const sentAt = Date.now() - 3_600_000;
    const signer = createWebhookSigner({ provider: standardWebhooks(), secret: SECRET, clock: new ManualClock(sentAt) });
    const { headers } = signer.sign({ body: '{}', id: 'msg_late' });
    expect(() => new Webhook(SECRET).verify('{}', headers)).toThrow();
    const verifier = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET], clock: new ManualClock(sentAt + 3_600_000), maxAgeMs: 7_200_000 });
    expect(verifier.verify({ body: '{}', headers }).ok).toBe(true);
  });

  it('verifies v1a (Ed25519) signatures with a whpk_ key, next to v1', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const asymmetric = createWebhookSigner({ provider: standardWebhooks(), secret: ed25519Keys.whsk, clock }).sign({ body: '{"a":1}', id: 'msg_1' });
    expect(asymmetric.headers['webhook-signature']).toMatch(/^v1a,/);
    const symmetric = createWebhookSigner({ provider: standardWebhooks(), secret: SECRET, clock }).sign({ body: '{"a":1}', id: 'msg_1' });
    const both = `${symmetric.headers['webhook-signature']!.replace(/.{4}$/, 'AAA=')} ${asymmetric.headers['webhook-signature']!}`;
    const verifier = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET, ed25519Keys.whpk], clock });
    expect(verifier.verify({ body: '{"a":1}', headers: { ...asymmetric.headers, 'webhook-signature': both } })).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it('keeps exact bytes where the SDK stringifies the payload', () => {
    const now = Date.now();
    const body = Buffer.from([0x22, 0xc3, 0x28, 0x22]); // invalid UTF-8
    const { headers } = createWebhookSigner({ provider: standardWebhooks(), secret: SECRET, clock: new ManualClock(now) }).sign({ body, id: 'msg_bytes' });
    expect(() => new Webhook(SECRET).verify(body as unknown as string, headers)).toThrow();
    const verifier = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET], clock: new ManualClock(now) });
    expect(verifier.verify({ body, headers }).ok).toBe(true);
  });

  it('rejects secrets that are not base64 at construction', () => {
    expect(() => createWebhookVerifier({ provider: standardWebhooks(), secrets: ['whsec_not base64!'] })).toThrow(/secrets\[0\] is invalid/);
  });
});
