import { createPrivateKey, sign } from 'node:crypto';
import { ManualClock } from '@iap/core';
import { verifyKey } from 'discord-interactions';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519Keys } from '../../src/__fixtures__/keys.js';
import { createWebhookSigner, createWebhookVerifier, discord } from '../../src/index.js';

// Differential tests against discord-interactions' verifyKey. The SDK only verifies, so "SDK side"
// deliveries are signed with node:crypto's Ed25519 from Discord's documented scheme and must pass the SDK first.
const NOW = 1_767_000_000_000;
const clock = new ManualClock(NOW);
const verifier = createWebhookVerifier({ provider: discord(), secrets: [ed25519Keys.publicHex], clock });
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(ed25519Keys.seedHex, 'hex')]), format: 'der', type: 'pkcs8' });

function discordSignature(timestamp: string, body: string): string {
  return sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
}

describe('discord against discord-interactions', () => {
  it('accepts what verifyKey accepts and verifyKey accepts what we sign (property, seeded)', async () => {
    const signer = createWebhookSigner({ provider: discord(), secret: ed25519Keys.seedHex, clock });
    const timestamp = String(NOW / 1000);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (text) => {
        const body = JSON.stringify({ type: 2, id: 'i-1', data: { name: 'echo', text } });
        const theirs = discordSignature(timestamp, body);
        expect(await verifyKey(body, theirs, timestamp, ed25519Keys.publicHex)).toBe(true);
        const headers = { 'x-signature-ed25519': theirs, 'x-signature-timestamp': timestamp };
        expect(verifier.verify({ body: Buffer.from(body), headers })).toMatchObject({ ok: true, id: 'i-1' });
        const ours = signer.sign({ body }).headers;
        expect(ours['x-signature-timestamp']).toBe(timestamp);
        expect(await verifyKey(body, ours['x-signature-ed25519']!, ours['x-signature-timestamp']!, ed25519Keys.publicHex)).toBe(true);
      }),
      { seed: 25, numRuns: 40 },
    );
  });

  it('rejects a changed body, another key and a changed timestamp, as verifyKey does', async () => {
    const body = '{"type":1,"id":"p"}';
    const timestamp = String(NOW / 1000);
    const signature = discordSignature(timestamp, body);
    const headers = { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
    expect(await verifyKey('{"type":1,"id":"q"}', signature, timestamp, ed25519Keys.publicHex)).toBe(false);
    expect(verifier.verify({ body: '{"type":1,"id":"q"}', headers })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(await verifyKey(body, signature, timestamp, ed25519Keys.otherPublicHex)).toBe(false);
    expect(createWebhookVerifier({ provider: discord(), secrets: [ed25519Keys.otherPublicHex], clock }).verify({ body, headers })).toMatchObject({ ok: false, reason: 'mismatch' });
    const earlier = String(NOW / 1000 - 1);
    expect(await verifyKey(body, signature, earlier, ed25519Keys.publicHex)).toBe(false);
    expect(verifier.verify({ body, headers: { ...headers, 'x-signature-timestamp': earlier } })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a stale timestamp that verifyKey accepts, since it checks none (documented difference)', async () => {
    const body = '{"type":2,"id":"old"}';
    const timestamp = String(NOW / 1000 - 3600);
    const signature = discordSignature(timestamp, body);
    expect(await verifyKey(body, signature, timestamp, ed25519Keys.publicHex)).toBe(true);
    expect(verifier.verify({ body, headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp } })).toMatchObject({ ok: false, reason: 'too_old' });
  });
});
