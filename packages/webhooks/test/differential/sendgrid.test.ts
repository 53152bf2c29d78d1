import { createPrivateKey, sign } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecdsaKeys } from '../../src/__fixtures__/keys.js';
import { createWebhookSigner, createWebhookVerifier, sendGrid } from '../../src/index.js';

// Differential tests against @sendgrid/eventwebhook. The SDK only verifies, so "SDK side" deliveries
// are signed with node:crypto (ECDSA P-256, SHA-256, DER) from SendGrid's documented scheme and
// must pass the SDK first.
const NOW = 1_767_000_000_000;
const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';
const clock = new ManualClock(NOW);
const sdk = new EventWebhook();
const sdkKey = sdk.convertPublicKeyToECDSA(ecdsaKeys.publicPem);
const privateKey = createPrivateKey({ key: Buffer.from(ecdsaKeys.privateBase64, 'base64'), format: 'der', type: 'pkcs8' });
const verifier = createWebhookVerifier({ provider: sendGrid(), secrets: [ecdsaKeys.publicBase64], clock });

function sendGridSignature(timestamp: string, body: string): string {
  return sign('sha256', Buffer.from(timestamp + body), privateKey).toString('base64');
}

describe('sendgrid against @sendgrid/eventwebhook', () => {
  it('accepts what the SDK accepts and the SDK accepts what we sign (property, seeded)', () => {
    const signer = createWebhookSigner({ provider: sendGrid(), secret: ecdsaKeys.privateBase64, clock });
    const timestamp = String(NOW / 1000);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const body = JSON.stringify([{ email: 'a@example.com', event: 'delivered', text }]);
        const theirs = sendGridSignature(timestamp, body);
        expect(sdk.verifySignature(sdkKey, body, theirs, timestamp)).toBe(true);
        expect(verifier.verify({ body: Buffer.from(body), headers: { [SIGNATURE]: theirs, [TIMESTAMP]: timestamp } }).ok).toBe(true);
        const ours = signer.sign({ body }).headers;
        expect(ours[TIMESTAMP]).toBe(timestamp);
        expect(sdk.verifySignature(sdkKey, body, ours[SIGNATURE]!, ours[TIMESTAMP]!)).toBe(true);
      }),
      { seed: 26, numRuns: 30 },
    );
  });

  it('rejects a changed body and a changed timestamp, as the SDK does', () => {
    const body = '[{"event":"open"}]';
    const timestamp = String(NOW / 1000);
    const signature = sendGridSignature(timestamp, body);
    expect(sdk.verifySignature(sdkKey, '[{"event":"click"}]', signature, timestamp)).toBe(false);
    expect(verifier.verify({ body: '[{"event":"click"}]', headers: { [SIGNATURE]: signature, [TIMESTAMP]: timestamp } })).toMatchObject({ ok: false, reason: 'mismatch' });
    const earlier = String(NOW / 1000 - 1);
    expect(sdk.verifySignature(sdkKey, body, signature, earlier)).toBe(false);
    expect(verifier.verify({ body, headers: { [SIGNATURE]: signature, [TIMESTAMP]: earlier } })).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
