import { createHmac } from 'node:crypto';
import { ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { ed25519Keys } from '../__fixtures__/keys.js';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { createEdgeWebhookVerifier } from '../edge/create-edge-webhook-verifier.js';
import { discord } from './discord.js';
import { twitch } from './twitch.js';
import { zoom } from './zoom.js';

const NOW = 1_700_000_000_000;
const clock = new ManualClock(NOW);

describe('handshakes (answered only after verification)', () => {
  it('Zoom CRC: encryptedToken is the HMAC-SHA256 hex of plainToken with the matching secret, on both engines', async () => {
    const body = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: 1654503849680 });
    const { headers } = createWebhookSigner({ provider: zoom(), secret: 'zoom-secret-2', clock }).sign({ body });
    const expected = { plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', 'zoom-secret-2').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') };
    const node = createWebhookVerifier({ provider: zoom(), secrets: ['zoom-secret-1', 'zoom-secret-2'], clock });
    const result = node.verify({ body, headers });
    expect(result).toMatchObject({ ok: true, secretIndex: 1, type: 'endpoint.url_validation' });
    if (!result.ok) return;
    expect(JSON.parse(node.handshake(result)!.body)).toEqual(expected);
    const edge = createEdgeWebhookVerifier({ provider: zoom(), secrets: ['zoom-secret-1', 'zoom-secret-2'], clock });
    const edgeResult = await edge.verify({ body, headers });
    expect(edgeResult.ok && JSON.parse((await edge.handshake(edgeResult))!.body)).toEqual(expected);
  });

  it('Twitch: webhook_callback_verification is answered with the challenge as text', () => {
    const body = JSON.stringify({ challenge: 'pogchamp-kappa-360noscope-vohiyo', subscription: { type: 'channel.follow' } });
    const signed = createWebhookSigner({ provider: twitch(), secret: 'twitch-secret', clock }).sign({ body, id: 'e76c6bd4-55c9-4987-8304-da1588d8988b' });
    expect(signed.headers['twitch-eventsub-message-timestamp']).toBe(new Date(NOW).toISOString());
    const verifier = createWebhookVerifier({ provider: twitch(), secrets: ['twitch-secret'], clock });
    const headers = { ...signed.headers, 'Twitch-Eventsub-Message-Type': 'webhook_callback_verification' };
    const result = verifier.verify({ body, headers });
    expect(result).toMatchObject({ ok: true, id: 'e76c6bd4-55c9-4987-8304-da1588d8988b', type: 'channel.follow' });
    expect(result.ok && verifier.handshake(result)).toEqual({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'pogchamp-kappa-360noscope-vohiyo' });
    const notification = verifier.verify({ body, headers: { ...headers, 'Twitch-Eventsub-Message-Type': 'notification' } });
    expect(notification.ok && verifier.handshake(notification)).toBeUndefined();
  });

  it('Twitch: nanosecond RFC 3339 timestamps are read, malformed ones rejected', () => {
    const verifier = createWebhookVerifier({ provider: twitch(), secrets: ['twitch-secret'], clock });
    const signed = createWebhookSigner({ provider: twitch(), secret: 'twitch-secret', clock }).sign({ body: '{}', id: 'm1' });
    for (const bad of ['2023-11-14T22:13:20Z ', '2023-02-30T22:13:20Z', '1700000000', '2023-11-14 22:13:20Z']) {
      expect(verifier.verify({ body: '{}', headers: { ...signed.headers, 'twitch-eventsub-message-timestamp': bad } })).toMatchObject({ ok: false, reason: 'malformed_header' });
    }
  });

  it('Discord: PING (type 1) is answered with {"type":1}; other interactions are not', () => {
    const verifier = createWebhookVerifier({ provider: discord(), secrets: [ed25519Keys.publicHex], clock });
    const signer = createWebhookSigner({ provider: discord(), secret: ed25519Keys.seedHex, clock });
    const ping = signer.sign({ body: '{"type":1,"id":"1"}' });
    const result = verifier.verify({ body: ping.body, headers: ping.headers });
    expect(result.ok && verifier.handshake(result)).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"type":1}' });
    const command = signer.sign({ body: '{"type":2,"id":"2"}' });
    const commandResult = verifier.verify({ body: command.body, headers: command.headers });
    expect(commandResult).toMatchObject({ ok: true, type: '2', id: '2' });
    expect(commandResult.ok && verifier.handshake(commandResult)).toBeUndefined();
  });
});
