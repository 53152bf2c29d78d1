import { createHmac } from 'node:crypto';
import { ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { ecdsaKeys } from '../__fixtures__/keys.js';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { genericHmac } from './generic-hmac.js';
import { gitlab } from './gitlab.js';
import { linear } from './linear.js';
import { mailgun } from './mailgun.js';
import { paddle } from './paddle.js';
import { pagerDuty } from './pagerduty.js';
import { sendGrid } from './sendgrid.js';
import { square } from './square.js';

const NOW = 1_700_000_000_000;
const clock = new ManualClock(NOW);
const hmacHex = (secret: string, text: string): string => createHmac('sha256', secret).update(text).digest('hex');

describe('provider details', () => {
  it('Paddle: every h1 is tried (rotation), and the window is 5 seconds', () => {
    const body = '{"event_id":"evt_01","event_type":"transaction.completed"}';
    const ts = NOW / 1000;
    const header = `ts=${ts};h1=${hmacHex('old', `${ts}:${body}`)};h1=${hmacHex('new', `${ts}:${body}`)}`;
    const verifier = createWebhookVerifier({ provider: paddle(), secrets: ['new'], clock });
    expect(verifier.verify({ body, headers: { 'paddle-signature': header } })).toMatchObject({ ok: true, id: 'evt_01', type: 'transaction.completed' });
    const late = createWebhookVerifier({ provider: paddle(), secrets: ['new'], clock: new ManualClock(NOW + 6_000) });
    expect(late.verify({ body, headers: { 'paddle-signature': header } })).toMatchObject({ ok: false, reason: 'too_old' });
    expect(verifier.verify({ body, headers: { 'paddle-signature': `h1=${hmacHex('new', `${ts}:${body}`)}` } })).toMatchObject({ ok: false, reason: 'missing_header' });
  });

  it('PagerDuty: several v1 signatures, one per active secret', () => {
    const body = '{"event":{"event_type":"incident.triggered"}}';
    const header = `v1=${hmacHex('a', body)},v1=${hmacHex('b', body)}`;
    const result = createWebhookVerifier({ provider: pagerDuty(), secrets: ['b'] }).verify({ body, headers: { 'x-pagerduty-signature': header, 'x-webhook-id': 'w1' } });
    expect(result).toMatchObject({ ok: true, id: 'w1', type: 'incident.triggered', replayProtected: false });
  });

  it('Linear: the signed webhookTimestamp in the body is checked after the signature', () => {
    const verifier = createWebhookVerifier({ provider: linear(), secrets: ['lin'], clock });
    const sign = (body: string) => ({ 'linear-signature': hmacHex('lin', body), 'linear-delivery': 'd1', 'linear-event': 'Issue' });
    const fresh = JSON.stringify({ action: 'create', webhookTimestamp: NOW - 30_000 });
    expect(verifier.verify({ body: fresh, headers: sign(fresh) })).toMatchObject({ ok: true, timestamp: NOW - 30_000, id: 'd1', type: 'Issue', replayProtected: true });
    const stale = JSON.stringify({ action: 'create', webhookTimestamp: NOW - 61_000 });
    expect(verifier.verify({ body: stale, headers: sign(stale) })).toMatchObject({ ok: false, reason: 'too_old' });
    const none = JSON.stringify({ action: 'create' });
    expect(verifier.verify({ body: none, headers: sign(none) })).toMatchObject({ ok: false, reason: 'malformed_header' });
  });

  it('Mailgun: JSON and form bodies; the token is the dedup id', () => {
    const verifier = createWebhookVerifier({ provider: mailgun(), secrets: ['mg-key'], allowWeakSchemes: true, clock });
    const ts = String(NOW / 1000);
    const signature = hmacHex('mg-key', `${ts}tok123`);
    const json = JSON.stringify({ signature: { timestamp: ts, token: 'tok123', signature }, 'event-data': { event: 'delivered' } });
    expect(verifier.verify({ body: json, headers: { 'content-type': 'application/json' } })).toMatchObject({ ok: true, id: 'tok123', type: 'delivered', weakScheme: expect.any(String) as unknown });
    const form = new URLSearchParams({ timestamp: ts, token: 'tok123', signature, event: 'opened' }).toString();
    expect(verifier.verify({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject({ ok: true, id: 'tok123', type: 'opened' });
    expect(verifier.verify({ body: 'not json', headers: {} })).toMatchObject({ ok: false, reason: 'malformed_header' });
    expect(verifier.verify({ body: '{"signature":{"timestamp":"1","token":"t"}}', headers: {} })).toMatchObject({ ok: false, reason: 'missing_header' });
  });

  it('SendGrid: PEM or base64 keys, strict DER signatures', () => {
    const signed = createWebhookSigner({ provider: sendGrid(), secret: ecdsaKeys.privateBase64, clock }).sign({ body: '[{"event":"open"}]' });
    const verifier = createWebhookVerifier({ provider: sendGrid(), secrets: [ecdsaKeys.publicPem], clock });
    expect(verifier.verify({ body: signed.body, headers: signed.headers }).ok).toBe(true);
    const der = Buffer.from(signed.headers['x-twilio-email-event-webhook-signature']!, 'base64');
    const padded = Buffer.concat([der, Buffer.from([0])]);
    padded[1] = padded[1]! + 1;
    const headers = { ...signed.headers, 'x-twilio-email-event-webhook-signature': padded.toString('base64') };
    expect(verifier.verify({ body: signed.body, headers })).toMatchObject({ ok: false, reason: 'malformed_header' });
    expect(() => createWebhookVerifier({ provider: sendGrid(), secrets: ['not a key'] })).toThrow(/secrets\[0\] is invalid/);
  });

  it('GitLab: the token is compared in constant time through digests, never accepted on length', () => {
    const verifier = createWebhookVerifier({ provider: gitlab(), secrets: ['glpat-token'], allowWeakSchemes: true });
    expect(verifier.verify({ body: '{}', headers: { 'x-gitlab-token': 'glpat-token', 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': 'u1' } })).toMatchObject({ ok: true, type: 'Push Hook', id: 'u1' });
    expect(verifier.verify({ body: '{}', headers: { 'x-gitlab-token': 'glpat-tokeN' } })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifier.verify({ body: '{}', headers: { 'x-gitlab-token': 'glpat-token-longer' } })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('Square: signs the notification URL, from the provider option or the request', () => {
    const url = 'https://example.com/square';
    const body = '{"event_id":"e1","type":"payment.updated"}';
    const signature = createHmac('sha256', 'sq').update(url + body).digest('base64');
    const configured = createWebhookVerifier({ provider: square({ notificationUrl: url }), secrets: ['sq'] });
    expect(configured.verify({ body, headers: { 'x-square-hmacsha256-signature': signature }, url: 'http://internal:8080/square' })).toMatchObject({ ok: true, id: 'e1' });
    const fromRequest = createWebhookVerifier({ provider: square(), secrets: ['sq'] });
    expect(fromRequest.verify({ body, headers: { 'x-square-hmacsha256-signature': signature }, url }).ok).toBe(true);
    expect(fromRequest.verify({ body, headers: { 'x-square-hmacsha256-signature': signature } })).toMatchObject({ ok: false, reason: 'missing_header' });
  });

  it('genericHmac: Salesforce-style base64 HMAC of "<timestamp>.<body>", and a multi-signature header', () => {
    const provider = genericHmac({ name: 'salesforce', header: 'X-SFDC-Signature', encoding: 'base64', signedContent: '{timestamp}.{body}', timestamp: { header: 'X-SFDC-Timestamp', unit: 'seconds' }, eventType: { path: 'event.type' } });
    const body = '{"event":{"type":"AccountChange"}}';
    const ts = String(NOW / 1000);
    const signature = createHmac('sha256', 'sf').update(`${ts}.${body}`).digest('base64');
    const result = createWebhookVerifier({ provider, secrets: ['sf'], clock }).verify({ body, headers: { 'x-sfdc-signature': signature, 'x-sfdc-timestamp': ts } });
    expect(result).toMatchObject({ ok: true, provider: 'salesforce', type: 'AccountChange', timestamp: NOW });
    const multi = genericHmac({ name: 'erp', header: 'x-sig', prefix: 'v1=', separator: ',' });
    const header = `v1=${'00'.repeat(32)},v1=${hmacHex('erp', body)}`;
    expect(createWebhookVerifier({ provider: multi, secrets: ['erp'] }).verify({ body, headers: { 'x-sig': header } }).ok).toBe(true);
  });

  it('genericHmac: invalid options fail at construction with INVALID_OPTIONS', () => {
    const bad = [
      { name: 'x', header: 'bad header' },
      { name: '', header: 'x-sig' },
      { name: 'x', header: 'x-sig', algorithm: 'md5' },
      { name: 'x', header: 'x-sig', encoding: 'base32' },
      { name: 'x', header: 'x-sig', signedContent: '{timestamp}.{body}' },
      { name: 'x', header: 'x-sig', signedContent: '{body}{body}' },
      { name: 'x', header: 'x-sig', signedContent: '{nonce}{body}' },
      { name: 'x', header: 'x-sig', separator: ',' },
      { name: 'x', header: 'x-sig', maxAgeMs: -1, timestamp: { header: 'x-ts', unit: 'seconds' } },
    ];
    for (const options of bad) {
      expect(() => genericHmac(options as Parameters<typeof genericHmac>[0])).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });
});
