import { ManualClock } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeWebhookSigner, createEdgeWebhookVerifier, createFetchWebhookHandler, discord, zoom, type VerifiedWebhook } from '../../src/edge.js';
import { ed25519Keys } from '../../src/__fixtures__/keys.js';
import { chunkedBody, post, serveFetch, type Loopback } from './helpers/loopback.js';

const clock = new ManualClock(1_700_000_000_000);

describe('Fetch handler (edge build, WebCrypto) behind a loopback server', () => {
  const events: VerifiedWebhook[] = [];
  let discordServer: Loopback;
  let zoomServer: Loopback;

  beforeAll(async () => {
    const verifier = createEdgeWebhookVerifier({ provider: discord(), secrets: [ed25519Keys.publicHex], clock, maxBodyBytes: 8192 });
    discordServer = await serveFetch(
      createFetchWebhookHandler({
        verifier,
        onEvent: (event) => {
          events.push(event);
          return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 4, data: { content: 'pong' } }) };
        },
      }),
    );
    zoomServer = await serveFetch(createFetchWebhookHandler({ verifier: createEdgeWebhookVerifier({ provider: zoom(), secrets: ['zoom-token'], clock }), onEvent: () => undefined }));
  });

  afterAll(async () => {
    await Promise.all([discordServer.close(), zoomServer.close()]);
  });

  const signer = createEdgeWebhookSigner({ provider: discord(), secret: ed25519Keys.seedHex, clock });

  it('answers the Discord PING and runs the handler for commands', async () => {
    const ping = await signer.sign({ body: '{"type":1,"id":"p"}' });
    expect(await post(discordServer.origin, { body: ping.body as string, headers: ping.headers })).toMatchObject({ status: 200, text: '{"type":1}' });
    const command = await signer.sign({ body: '{"type":2,"id":"c-1","data":{"name":"ping"}}' });
    const response = await post(discordServer.origin, { body: command.body as string, headers: command.headers });
    expect(JSON.parse(response.text)).toEqual({ type: 4, data: { content: 'pong' } });
    expect(events.at(-1)).toMatchObject({ id: 'c-1', type: '2' });
  });

  it('rejects an invalid Ed25519 signature and a body past the limit while streaming', async () => {
    const command = await signer.sign({ body: '{"type":2}' });
    const forged = await post(discordServer.origin, { body: '{"type":3}', headers: command.headers });
    expect(forged.status).toBe(401);
    const large = await post(discordServer.origin, { body: chunkedBody(64 * 1024), headers: command.headers });
    expect(large.status).toBe(413);
  });

  it('answers the Zoom CRC with the HMAC of the plain token', async () => {
    const body = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'plain-1' } });
    const { headers } = await createEdgeWebhookSigner({ provider: zoom(), secret: 'zoom-token', clock }).sign({ body });
    const response = await post(zoomServer.origin, { body, headers: { ...headers, 'content-type': 'application/json' } });
    const { createHmac } = await import('node:crypto');
    expect(JSON.parse(response.text)).toEqual({ plainToken: 'plain-1', encryptedToken: createHmac('sha256', 'zoom-token').update('plain-1').digest('hex') });
  });
});
