import { createHmac } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { slack } from './slack.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

function boltAccepts(body: string, signature: string, timestamp: number, nowMs: number): boolean {
  try {
    verifySlackRequest({ signingSecret: SECRET, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: nowMs });
    return true;
  } catch {
    return false;
  }
}

describe('slack', () => {
  it("verifies Slack's documented example and parses the form body", () => {
    const verifier = createWebhookVerifier({ provider: slack(), secrets: [SECRET], clock: new ManualClock(1_531_420_618_000) });
    const result = verifier.verify({
      body: DOC_BODY,
      headers: {
        'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        'X-Slack-Request-Timestamp': '1531420618',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.payload()).toMatchObject({ command: '/webhook-collect', team_id: 'T1DC2JH3J' });
  });

  it('agrees with @slack/bolt in both directions (property, seeded)', () => {
    const now = 1_700_000_000_000;
    const verifier = createWebhookVerifier({ provider: slack(), secrets: [SECRET], clock: new ManualClock(now) });
    const signer = createWebhookSigner({ provider: slack(), secret: SECRET, clock: new ManualClock(now) });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 299 }), (text, age) => {
        const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'message', text } });
        const { headers } = signer.sign({ body, timestampMs: now - age * 1000 });
        expect(boltAccepts(body, headers['x-slack-signature']!, Number(headers['x-slack-request-timestamp']), now)).toBe(true);
        expect(verifier.verify({ body, headers })).toMatchObject({ ok: true, id: 'Ev1', type: 'message' });
      }),
      { seed: 17, numRuns: 120 },
    );
  });

  it('rejects timestamps from the future, which bolt accepts', () => {
    const now = 1_700_000_000_000;
    const { headers } = createWebhookSigner({ provider: slack(), secret: SECRET, clock: new ManualClock(now + 3_600_000) }).sign({ body: '{}' });
    expect(boltAccepts('{}', headers['x-slack-signature']!, Number(headers['x-slack-request-timestamp']), now)).toBe(true);
    expect(createWebhookVerifier({ provider: slack(), secrets: [SECRET], clock: new ManualClock(now) }).verify({ body: '{}', headers })).toMatchObject({ ok: false, reason: 'in_future' });
  });

  it('answers url_verification with the challenge only after verification', () => {
    const now = 1_700_000_000_000;
    const verifier = createWebhookVerifier({ provider: slack(), secrets: [SECRET], clock: new ManualClock(now) });
    const body = JSON.stringify({ type: 'url_verification', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    const signed = createWebhookSigner({ provider: slack(), secret: SECRET, clock: new ManualClock(now) }).sign({ body });
    const result = verifier.verify({ body, headers: signed.headers });
    expect(result.ok && verifier.handshake(result)).toEqual({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(verifier.verify({ body, headers: { ...signed.headers, 'x-slack-signature': 'v0=' + '00'.repeat(32) } }).ok).toBe(false);
  });

  it('accepts the deliveries bolt accepts and rejects those it rejects (property, seeded)', () => {
    // bolt only verifies (no signer): deliveries are built from Slack's documented scheme and judged by bolt first.
    const now = 1_700_000_000_000;
    const verifier = createWebhookVerifier({ provider: slack(), secrets: [SECRET], clock: new ManualClock(now) });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 320 }), fc.boolean(), (text, age, wrongSecret) => {
        const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev9', event: { type: 'message', text } });
        const timestamp = now / 1000 - age;
        const mac = createHmac('sha256', wrongSecret ? 'another-secret' : SECRET).update(`v0:${timestamp}:${body}`).digest('hex');
        const accepted = boltAccepts(body, `v0=${mac}`, timestamp, now);
        expect(accepted).toBe(!wrongSecret && age <= 300);
        const headers = { 'x-slack-signature': `v0=${mac}`, 'x-slack-request-timestamp': String(timestamp) };
        expect(verifier.verify({ body: Buffer.from(body), headers }).ok).toBe(accepted);
      }),
      { seed: 28, numRuns: 150 },
    );
  });
});
