import { ManualClock } from '@iap/core';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastifyWebhookPlugin, createWebhookSigner, createWebhookVerifier, shopify, twitch, type VerifiedWebhook } from '../../src/index.js';
import { post } from './helpers/loopback.js';

const SECRET = 'shopify-secret';

describe('Fastify plugin on a loopback server', () => {
  const app = Fastify();
  const events: VerifiedWebhook[] = [];
  let origin = '';
  const signer = createWebhookSigner({ provider: shopify(), secret: SECRET });
  const clock = new ManualClock(1_700_000_000_000);

  beforeAll(async () => {
    const verifier = createWebhookVerifier({ provider: shopify(), secrets: [SECRET], maxBodyBytes: 2048 });
    await app.register(createFastifyWebhookPlugin({ path: '/webhooks/shopify', verifier, onEvent: (event) => void events.push(event) }));
    await app.register(
      createFastifyWebhookPlugin({ path: '/webhooks/twitch', verifier: createWebhookVerifier({ provider: twitch(), secrets: ['twitch-secret'], clock }), onEvent: () => ({ status: 204 }) }),
      { prefix: '/v2' },
    );
    app.post('/api/echo', (request) => request.body); // the app's own JSON parser is untouched
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(() => app.close());

  it('verifies the raw bytes of JSON and unlabelled bodies through the scoped buffer parser', async () => {
    const body = '{"id":820982911946154500, "email":"jon@example.com"}'; // a number JSON.parse would round
    const response = await post(`${origin}/webhooks/shopify`, {
      body,
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'ev-1', ...signer.sign({ body }).headers },
    });
    expect(response.status).toBe(200);
    expect(events.at(-1)).toMatchObject({ type: 'orders/create', id: 'ev-1' });
    expect(events.at(-1)!.text()).toBe(body);
    const plain = await post(`${origin}/webhooks/shopify`, { body: 'plain', headers: { 'content-type': 'text/plain', ...signer.sign({ body: 'plain' }).headers } });
    expect(plain.status).toBe(200);
  });

  it('keeps the app JSON parser for other routes', async () => {
    const echo = await post(`${origin}/api/echo`, { body: '{"a":[1,2]}', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(echo.text)).toEqual({ a: [1, 2] });
  });

  it('rejects forged and oversized deliveries', async () => {
    const forged = await post(`${origin}/webhooks/shopify`, { body: '{}', headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': 'AAAA' } });
    expect(forged.status).toBe(400);
    const large = await post(`${origin}/webhooks/shopify`, { body: 'x'.repeat(4096), headers: { 'content-type': 'application/json' } });
    expect(large.status).toBe(413);
  });

  it('answers the Twitch challenge under a prefix', async () => {
    const body = JSON.stringify({ challenge: 'abc-123', subscription: { type: 'stream.online' } });
    const { headers } = createWebhookSigner({ provider: twitch(), secret: 'twitch-secret', clock }).sign({ body, id: 'm-1' });
    const response = await post(`${origin}/v2/webhooks/twitch`, { body, headers: { ...headers, 'content-type': 'application/json', 'twitch-eventsub-message-type': 'webhook_callback_verification' } });
    expect(response).toMatchObject({ status: 200, text: 'abc-123' });
    const notification = await post(`${origin}/v2/webhooks/twitch`, { body, headers: { ...headers, 'content-type': 'application/json', 'twitch-eventsub-message-type': 'notification' } });
    expect(notification.status).toBe(204);
  });
});
