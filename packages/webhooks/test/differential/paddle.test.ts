import { createHmac } from 'node:crypto';
import { ManualClock } from '@iap/core';
import { Paddle } from '@paddle/paddle-node-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner, createWebhookVerifier, paddle } from '../../src/index.js';
import { pinWallClock } from './helpers/wall-clock.js';

// Differential tests against @paddle/paddle-node-sdk. The SDK only verifies (it has no signer), so
// "SDK side" deliveries are built by hand from Paddle's documented scheme and must pass the SDK first.
const NOW = 1_767_000_000_000;
const TS = NOW / 1000;
const SECRET = 'pdl_ntfset_01h_differential_secret';
const sdk = new Paddle('pdl_sdbx_apikey_differential');
const clock = new ManualClock(NOW);
const verifier = createWebhookVerifier({ provider: paddle(), secrets: [SECRET], clock });

pinWallClock(NOW);

function paddleSignature(body: string, ts: number, secret = SECRET): string {
  return `ts=${ts};h1=${createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex')}`;
}

describe('paddle against @paddle/paddle-node-sdk', () => {
  it('accepts what the SDK accepts and the SDK accepts what we sign (property, seeded)', async () => {
    const signer = createWebhookSigner({ provider: paddle(), secret: SECRET, clock });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 4 }), async (text, age) => {
        const body = JSON.stringify({ event_id: 'evt_01', event_type: 'transaction.completed', data: { text } });
        const theirs = paddleSignature(body, TS - age);
        expect(await sdk.webhooks.isSignatureValid(body, SECRET, theirs)).toBe(true);
        expect(verifier.verify({ body: Buffer.from(body), headers: { 'paddle-signature': theirs } })).toMatchObject({ ok: true, id: 'evt_01', type: 'transaction.completed' });
        const ours = signer.sign({ body, timestampMs: NOW - age * 1000 }).headers['paddle-signature']!;
        expect(ours).toBe(theirs);
        expect(await sdk.webhooks.isSignatureValid(body, SECRET, ours)).toBe(true);
      }),
      { seed: 23, numRuns: 60 },
    );
  });

  it('rejects a changed body, a wrong secret and a stale timestamp, as the SDK does', async () => {
    const body = '{"event_id":"evt_02"}';
    const header = paddleSignature(body, TS);
    expect(await sdk.webhooks.isSignatureValid('{"event_id":"evt_03"}', SECRET, header)).toBe(false);
    expect(verifier.verify({ body: '{"event_id":"evt_03"}', headers: { 'paddle-signature': header } })).toMatchObject({ ok: false, reason: 'mismatch' });
    const wrong = paddleSignature(body, TS, 'another-secret');
    expect(await sdk.webhooks.isSignatureValid(body, SECRET, wrong)).toBe(false);
    expect(verifier.verify({ body, headers: { 'paddle-signature': wrong } })).toMatchObject({ ok: false, reason: 'mismatch' });
    const stale = paddleSignature(body, TS - 6);
    expect(await sdk.webhooks.isSignatureValid(body, SECRET, stale)).toBe(false);
    expect(verifier.verify({ body, headers: { 'paddle-signature': stale } })).toMatchObject({ ok: false, reason: 'too_old' });
  });

  it('tries every h1 where the SDK reads only the last one (documented difference)', async () => {
    const body = '{"event_id":"evt_04"}';
    const good = paddleSignature(body, TS);
    const rotated = `${good};h1=${'0'.repeat(64)}`;
    expect(await sdk.webhooks.isSignatureValid(body, SECRET, rotated)).toBe(false);
    expect(verifier.verify({ body, headers: { 'paddle-signature': rotated } }).ok).toBe(true);
  });

  it('refuses a timestamp from the future that the SDK accepts (documented difference)', async () => {
    const body = '{"event_id":"evt_05"}';
    const future = paddleSignature(body, TS + 3600);
    expect(await sdk.webhooks.isSignatureValid(body, SECRET, future)).toBe(true);
    expect(verifier.verify({ body, headers: { 'paddle-signature': future } })).toMatchObject({ ok: false, reason: 'in_future' });
  });
});
