import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { WebhooksHelper } from 'square';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner, createWebhookVerifier, square } from '../../src/index.js';

// Differential tests against the square SDK's WebhooksHelper. The SDK only verifies, so "SDK side"
// deliveries are built by hand from Square's documented scheme and must pass the SDK first.
const SIGNATURE_KEY = 'sq0wsk_differential_key';
const NOTIFICATION_URL = 'https://example.com/webhooks/square?source=sq';
const HEADER = 'x-square-hmacsha256-signature';
const verifier = createWebhookVerifier({ provider: square({ notificationUrl: NOTIFICATION_URL }), secrets: [SIGNATURE_KEY] });

function squareSignature(body: string, url = NOTIFICATION_URL, key = SIGNATURE_KEY): string {
  return createHmac('sha256', key).update(url + body).digest('base64');
}

function sdkAccepts(requestBody: string, signatureHeader: string, notificationUrl = NOTIFICATION_URL): Promise<boolean> {
  return WebhooksHelper.verifySignature({ requestBody, signatureHeader, signatureKey: SIGNATURE_KEY, notificationUrl });
}

describe('square against the square SDK', () => {
  it('accepts what the SDK accepts and the SDK accepts what we sign (property, seeded)', async () => {
    const signer = createWebhookSigner({ provider: square({ notificationUrl: NOTIFICATION_URL }), secret: SIGNATURE_KEY });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (text) => {
        const body = JSON.stringify({ event_id: 'e-1', type: 'payment.updated', data: { text } });
        const theirs = squareSignature(body);
        expect(await sdkAccepts(body, theirs)).toBe(true);
        expect(verifier.verify({ body: Buffer.from(body), headers: { [HEADER]: theirs } })).toMatchObject({ ok: true, id: 'e-1', type: 'payment.updated' });
        const ours = signer.sign({ body }).headers[HEADER]!;
        expect(ours).toBe(theirs);
        expect(await sdkAccepts(body, ours)).toBe(true);
      }),
      { seed: 24, numRuns: 60 },
    );
  });

  it('takes the request URL when no notification URL is configured', async () => {
    const body = '{"event_id":"e-2"}';
    const signed = createWebhookSigner({ provider: square(), secret: SIGNATURE_KEY }).sign({ body, url: NOTIFICATION_URL });
    expect(await sdkAccepts(body, signed.headers[HEADER]!)).toBe(true);
    expect(createWebhookVerifier({ provider: square(), secrets: [SIGNATURE_KEY] }).verify({ body, headers: signed.headers, url: NOTIFICATION_URL }).ok).toBe(true);
  });

  it('rejects another URL, a changed body and a wrong key, as the SDK does', async () => {
    const body = '{"event_id":"e-3"}';
    const otherUrl = squareSignature(body, 'https://example.com/webhooks/square');
    expect(await sdkAccepts(body, otherUrl)).toBe(false);
    expect(verifier.verify({ body, headers: { [HEADER]: otherUrl } })).toMatchObject({ ok: false, reason: 'mismatch' });
    const signature = squareSignature(body);
    expect(await sdkAccepts('{"event_id":"e-4"}', signature)).toBe(false);
    expect(verifier.verify({ body: '{"event_id":"e-4"}', headers: { [HEADER]: signature } })).toMatchObject({ ok: false, reason: 'mismatch' });
    const wrongKey = squareSignature(body, NOTIFICATION_URL, 'another-key');
    expect(await sdkAccepts(body, wrongKey)).toBe(false);
    expect(verifier.verify({ body, headers: { [HEADER]: wrongKey } })).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
