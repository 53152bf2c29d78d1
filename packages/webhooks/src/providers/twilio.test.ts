import fc from 'fast-check';
import twilioSdk from 'twilio';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { twilio, twilioParameterString } from './twilio.js';

const TOKEN = '12345';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const verifier = createWebhookVerifier({ provider: twilio(), secrets: [TOKEN] });

describe('twilio', () => {
  it("verifies Twilio's documented example", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675310', Digits: '1234', From: '+14158675310', To: '+18005551212' };
    const result = verifier.verify({ body: new URLSearchParams(params).toString(), headers: { ...FORM, 'X-Twilio-Signature': 'GvWf1cFY/Q7PnoempGyD5oXAezc=' }, url });
    expect(result).toMatchObject({ ok: true, replayProtected: false });
    expect(twilioSdk.validateRequest(TOKEN, 'GvWf1cFY/Q7PnoempGyD5oXAezc=', url, params)).toBe(true);
  });

  it('agrees with the Twilio SDK on form webhooks in both directions (property, seeded)', () => {
    const signer = createWebhookSigner({ provider: twilio(), secret: TOKEN });
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 8 }), fc.constantFrom('https://example.com/sms', 'https://example.com:8443/voice?x=1'), (params, url) => {
        const body = new URLSearchParams(params).toString();
        const theirs = twilioSdk.getExpectedTwilioSignature(TOKEN, url, params);
        expect(verifier.verify({ body, headers: { ...FORM, 'x-twilio-signature': theirs }, url }).ok).toBe(true);
        const ours = signer.sign({ body, url }).headers['x-twilio-signature']!;
        expect(twilioSdk.validateRequest(TOKEN, ours, url, params)).toBe(true);
        const tampered = new URLSearchParams({ ...params, Extra: '1' }).toString();
        expect(verifier.verify({ body: tampered, headers: { ...FORM, 'x-twilio-signature': theirs }, url }).ok).toBe(false);
      }),
      { seed: 3, numRuns: 120 },
    );
  });

  it('agrees with the SDK on JSON bodies signed through bodySHA256', () => {
    const body = JSON.stringify({ status: 'delivered', sid: 'SM1' });
    const signed = createWebhookSigner({ provider: twilio(), secret: TOKEN }).sign({ body, url: 'https://example.com/status', contentType: 'application/json' });
    expect(signed.url).toMatch(/\?bodySHA256=[0-9a-f]{64}$/);
    const signature = signed.headers['x-twilio-signature']!;
    expect(twilioSdk.validateRequestWithBody(TOKEN, signature, signed.url!, body)).toBe(true);
    const json = { 'content-type': 'application/json', 'x-twilio-signature': signature };
    expect(verifier.verify({ body, headers: json, url: signed.url! }).ok).toBe(true);
    expect(verifier.verify({ body: body.replace('delivered', 'failed'), headers: json, url: signed.url! })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifier.verify({ body, headers: json, url: signed.url!.replace(/.$/, 'z') })).toMatchObject({ ok: false, reason: 'malformed_header' });
  });

  it('accepts the URL with or without its default port, as Twilio may sign either', () => {
    const params = { Body: 'hi' };
    const signature = twilioSdk.getExpectedTwilioSignature(TOKEN, 'https://example.com:443/sms', params);
    const body = new URLSearchParams(params).toString();
    expect(verifier.verify({ body, headers: { ...FORM, 'x-twilio-signature': signature }, url: 'https://example.com/sms' }).ok).toBe(true);
    const withoutPort = twilioSdk.getExpectedTwilioSignature(TOKEN, 'https://example.com/sms', params);
    expect(verifier.verify({ body, headers: { ...FORM, 'x-twilio-signature': withoutPort }, url: 'https://example.com:443/sms' }).ok).toBe(true);
  });

  it('needs the request URL and says so', () => {
    expect(verifier.verify({ body: 'a=b', headers: { ...FORM, 'x-twilio-signature': 'GvWf1cFY/Q7PnoempGyD5oXAezc=' } })).toMatchObject({
      ok: false,
      reason: 'missing_header',
      message: expect.stringContaining('url') as unknown,
    });
  });

  it('builds the parameter string like the SDK for repeated keys', () => {
    expect(twilioParameterString('b=2&a=1&b=1&b=2')).toBe('a1b1b2');
  });
});
