import '@shopify/shopify-api/adapters/web-api';
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import { getHmac } from '@shopify/shopify-api/test-helpers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner, createWebhookVerifier, shopify } from '../../src/index.js';

// Differential tests against @shopify/shopify-api, classic webhooks and Shopify Events.
const SECRET = 'shpss_differential_0f9e';
const sdk = shopifyApi({
  apiKey: 'api-key',
  apiSecretKey: SECRET,
  hostName: 'app.example.com',
  apiVersion: ApiVersion.October25,
  isEmbeddedApp: false,
  logger: { level: LogSeverity.Error, log: () => undefined },
});
const verifier = createWebhookVerifier({ provider: shopify(), secrets: [SECRET] });

const CLASSIC = {
  'x-shopify-topic': 'orders/create',
  'x-shopify-shop-domain': 'shop.myshopify.com',
  'x-shopify-api-version': '2025-10',
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
};
const EVENTS = {
  'shopify-topic': 'orders/create',
  'shopify-shop-domain': 'shop.myshopify.com',
  'shopify-api-version': '2025-10',
  'shopify-webhook-id': '4a3c2f0e-6a6e-4c43-9b1e-2f1c0d6b7e55',
  'shopify-handle': 'order-sync',
  'shopify-action': 'create',
};

async function sdkAccepts(body: string, headers: Record<string, string>): Promise<boolean> {
  const rawRequest = new Request('https://app.example.com/webhooks', { method: 'POST', body, headers });
  const result = await sdk.webhooks.validate({ rawBody: body, rawRequest });
  return result.valid;
}

describe('shopify against @shopify/shopify-api', () => {
  it('agrees on classic webhooks in both directions (property, seeded)', async () => {
    const signer = createWebhookSigner({ provider: shopify(), secret: SECRET });
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 2 }), async (body) => {
        const theirs = getHmac(body, SECRET);
        const result = verifier.verify({ body: Buffer.from(body), headers: { ...CLASSIC, 'x-shopify-hmac-sha256': theirs } });
        expect(result).toMatchObject({ ok: true, id: CLASSIC['x-shopify-event-id'], type: 'orders/create' });
        const ours = signer.sign({ body }).headers;
        expect(ours['x-shopify-hmac-sha256']).toBe(theirs);
        expect(await sdkAccepts(body, { ...CLASSIC, ...ours })).toBe(true);
      }),
      { seed: 21, numRuns: 60 },
    );
  });

  it('verifies Shopify Events webhooks (shopify-* headers) in both directions', async () => {
    const body = JSON.stringify({ id: 820982911946154500, total_price: '403.00' });
    const theirs = getHmac(body, SECRET);
    expect(await sdkAccepts(body, { ...EVENTS, 'shopify-hmac-sha256': theirs })).toBe(true);
    const result = verifier.verify({ body, headers: { ...EVENTS, 'shopify-hmac-sha256': theirs } });
    expect(result).toMatchObject({ ok: true, id: EVENTS['shopify-webhook-id'], type: 'orders/create', replayProtected: false });

    const ours = createWebhookSigner({ provider: shopify({ signAs: 'events' }), secret: SECRET }).sign({ body }).headers;
    expect(Object.keys(ours)).toEqual(['shopify-hmac-sha256']);
    expect(await sdkAccepts(body, { ...EVENTS, ...ours })).toBe(true);
  });

  it('rejects an Events body or signature the SDK rejects', async () => {
    const body = '{"id":1}';
    const headers = { ...EVENTS, 'shopify-hmac-sha256': getHmac(body, SECRET) };
    expect(await sdkAccepts('{"id":2}', headers)).toBe(false);
    expect(verifier.verify({ body: '{"id":2}', headers })).toMatchObject({ ok: false, reason: 'mismatch' });
    const wrongSecret = { ...EVENTS, 'shopify-hmac-sha256': getHmac(body, 'another-secret') };
    expect(await sdkAccepts(body, wrongSecret)).toBe(false);
    expect(verifier.verify({ body, headers: wrongSecret })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('checks the Events signature when a request carries both header sets, as the SDK does', async () => {
    const body = '{"id":3}';
    const headers = { ...CLASSIC, ...EVENTS, 'shopify-hmac-sha256': getHmac(body, 'another-secret'), 'x-shopify-hmac-sha256': getHmac(body, SECRET) };
    expect(await sdkAccepts(body, headers)).toBe(false);
    expect(verifier.verify({ body, headers })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses an unknown signAs at construction', () => {
    expect(() => shopify({ signAs: 'other' as 'events' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
