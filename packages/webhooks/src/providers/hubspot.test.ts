import { Signature } from '@hubspot/api-client';
import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { decodeHubSpotUri, hubspot } from './hubspot.js';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';

describe('hubspot', () => {
  it('verifies the v1 and v2 vectors of the HubSpot SDK, only with allowWeakSchemes', () => {
    const weak = createWebhookVerifier({ provider: hubspot(), secrets: [SECRET], allowWeakSchemes: true });
    const v1Body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    const v1 = { 'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de', 'x-hubspot-signature-version': 'v1' };
    expect(weak.verify({ body: v1Body, headers: v1 })).toMatchObject({ ok: true, replayProtected: false, weakScheme: expect.stringContaining('v1') as unknown });
    const v2 = { 'x-hubspot-signature': '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900', 'x-hubspot-signature-version': 'v2' };
    expect(weak.verify({ body: '{"example_field":"example_value"}', headers: v2, url: 'https://www.example.com/webhook_uri', method: 'POST' }).ok).toBe(true);
    const strict = createWebhookVerifier({ provider: hubspot(), secrets: [SECRET] });
    expect(strict.verify({ body: v1Body, headers: v1 })).toMatchObject({ ok: false, reason: 'weak_scheme_disabled' });
  });

  it('agrees with the HubSpot SDK on v3 in both directions (property, seeded)', () => {
    const now = 1_700_000_000_000;
    const verifier = createWebhookVerifier({ provider: hubspot(), secrets: [SECRET], clock: new ManualClock(now) });
    const signer = createWebhookSigner({ provider: hubspot(), secret: SECRET, clock: new ManualClock(now) });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('GET', 'POST'), fc.webPath(), (text, method, path) => {
        const url = `https://example.com${path}`;
        const requestBody = JSON.stringify([{ text }]);
        const signature = Signature.getSignature(method, 'v3', { signature: '', clientSecret: SECRET, requestBody, url, timestamp: now });
        const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(now) };
        if (decodeHubSpotUri(url) === url) expect(verifier.verify({ body: requestBody, headers, url, method }).ok).toBe(true);
        const ours = signer.sign({ body: requestBody, url, method, timestampMs: now }).headers;
        if (decodeHubSpotUri(url) === url) expect(ours['x-hubspot-signature-v3']).toBe(signature);
      }),
      { seed: 13, numRuns: 120 },
    );
  });

  it("decodes the URI characters HubSpot's v3 rules list, and only those", () => {
    expect(decodeHubSpotUri('https://example.com/a%3Ab%2Fc%3fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm%20n%25')).toBe("https://example.com/a:b/c?d@e!f$g'h(i)j*k,l;m%20n%25");
  });

  it('rejects a v3 request older than five minutes (the SDK rule) and one from the future', () => {
    const sentAt = 1_700_000_000_000;
    const signer = createWebhookSigner({ provider: hubspot(), secret: SECRET, clock: new ManualClock(sentAt) });
    const request = { body: '[]', url: 'https://example.com/hook', method: 'POST', headers: signer.sign({ body: '[]', url: 'https://example.com/hook' }).headers };
    expect(createWebhookVerifier({ provider: hubspot(), secrets: [SECRET], clock: new ManualClock(sentAt + 300_001) }).verify(request)).toMatchObject({ ok: false, reason: 'too_old' });
    expect(createWebhookVerifier({ provider: hubspot(), secrets: [SECRET], clock: new ManualClock(sentAt - 60_001) }).verify(request)).toMatchObject({ ok: false, reason: 'in_future' });
  });

  it('rejects an unknown signature version as malformed', () => {
    const verifier = createWebhookVerifier({ provider: hubspot(), secrets: [SECRET], allowWeakSchemes: true });
    expect(verifier.verify({ body: '[]', headers: { 'x-hubspot-signature': 'ab'.repeat(32), 'x-hubspot-signature-version': 'v9' } })).toMatchObject({ ok: false, reason: 'malformed_header' });
  });
});
