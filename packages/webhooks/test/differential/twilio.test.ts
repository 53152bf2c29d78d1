import fc from 'fast-check';
import twilioSdk from 'twilio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEdgeWebhookVerifier } from '../../src/edge.js';
import { createWebhookSigner, createWebhookVerifier, twilio } from '../../src/index.js';

// Differential tests against twilio-node: the SDK signs and we verify, we sign and the SDK verifies.
const AUTH_TOKEN = '12345';
const SHARED_KEY_SECRET = 'shared-key-secret-7f3a';
const SHARED_KEY_ID = 'webhooks_sharedkey_0123456789abcdef';
const SETTINGS = `key=${SHARED_KEY_ID},algorithm=HMAC_SHA256`;
const FORM = 'application/x-www-form-urlencoded';
const URL = 'https://example.com/twilio/status?account=AC1';

const authTokenVerifier = createWebhookVerifier({ provider: twilio(), secrets: [AUTH_TOKEN] });
const sharedKeyVerifier = createWebhookVerifier({ provider: twilio(), secrets: [SHARED_KEY_SECRET] });

function withBodySha256(url: string, body: string): string {
  return `${url}&bodySHA256=${twilioSdk.getExpectedBodyHash(body)}`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('twilio against twilio-node: bodies the signature does not cover', () => {
  it.each([
    ['application/json', '{"status":"delivered","sid":"SM1"}'],
    ['text/plain', 'delivered'],
  ])('refuses a %s body when the URL has no bodySHA256, as validateRequestWithBody does', (contentType, body) => {
    // Twilio's signature over the bare URL says nothing about this body.
    const signature = twilioSdk.getExpectedTwilioSignature(AUTH_TOKEN, URL, {});
    expect(twilioSdk.validateRequest(AUTH_TOKEN, signature, URL, {})).toBe(true);
    expect(twilioSdk.validateRequestWithBody(AUTH_TOKEN, signature, URL, body)).toBe(false);
    const result = authTokenVerifier.verify({ body, headers: { 'content-type': contentType, 'x-twilio-signature': signature }, url: URL });
    expect(result).toMatchObject({ ok: false, reason: 'missing_header', message: expect.stringContaining('bodySHA256') as unknown });
    expect(JSON.stringify(result)).not.toContain(body);
  });

  it('still verifies an empty non-form request signed over the URL (nothing is left uncovered)', () => {
    const signature = twilioSdk.getExpectedTwilioSignature(AUTH_TOKEN, URL, {});
    expect(authTokenVerifier.verify({ body: '', headers: { 'content-type': 'application/json', 'x-twilio-signature': signature }, url: URL }).ok).toBe(true);
  });

  it('verifies JSON bodies through bodySHA256 in both directions (property, seeded)', () => {
    const signer = createWebhookSigner({ provider: twilio(), secret: AUTH_TOKEN });
    fc.assert(
      fc.property(fc.json({ maxDepth: 2 }), (body) => {
        const url = withBodySha256(URL, body);
        const theirs = twilioSdk.getExpectedTwilioSignature(AUTH_TOKEN, url, {});
        expect(authTokenVerifier.verify({ body, headers: { 'content-type': 'application/json', 'x-twilio-signature': theirs }, url }).ok).toBe(true);
        const ours = signer.sign({ body, url: URL, contentType: 'application/json' });
        expect(twilioSdk.validateRequestWithBody(AUTH_TOKEN, ours.headers['x-twilio-signature']!, ours.url!, body)).toBe(true);
      }),
      { seed: 18, numRuns: 80 },
    );
  });
});

describe('twilio against twilio-node: SharedKey (HMAC-SHA256) webhooks', () => {
  const signer = createWebhookSigner({ provider: twilio({ sharedKeyId: SHARED_KEY_ID }), secret: SHARED_KEY_SECRET });

  it('agrees on form webhooks in both directions (property, seeded)', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 8 }), (params) => {
        const body = new URLSearchParams(params).toString();
        const theirs = twilioSdk.getExpectedTwilioSignature(SHARED_KEY_SECRET, URL, params, 'HMAC_SHA256');
        const headers = { 'content-type': FORM, 'x-twilio-signature': theirs, 'x-twilio-webhooks-signature-settings': SETTINGS };
        expect(sharedKeyVerifier.verify({ body, headers, url: URL }).ok).toBe(true);
        const ours = signer.sign({ body, url: URL, contentType: FORM });
        const settings = ours.headers['x-twilio-webhooks-signature-settings'];
        expect(settings).toBe(SETTINGS);
        expect(twilioSdk.validateRequest(SHARED_KEY_SECRET, ours.headers['x-twilio-signature']!, URL, params, twilioSdk.getSignatureAlgorithm(settings))).toBe(true);
      }),
      { seed: 19, numRuns: 100 },
    );
  });

  it('agrees on JSON bodies signed through bodySHA256', () => {
    const body = JSON.stringify({ status: 'delivered' });
    const url = withBodySha256(URL, body);
    const theirs = twilioSdk.getExpectedTwilioSignature(SHARED_KEY_SECRET, url, {}, 'HMAC_SHA256');
    const headers = { 'content-type': 'application/json', 'x-twilio-signature': theirs, 'x-twilio-webhooks-signature-settings': SETTINGS };
    expect(sharedKeyVerifier.verify({ body, headers, url }).ok).toBe(true);
    expect(sharedKeyVerifier.verify({ body: body.replace('delivered', 'failed'), headers, url })).toMatchObject({ ok: false, reason: 'mismatch' });
    const ours = signer.sign({ body, url: URL, contentType: 'application/json' });
    expect(twilioSdk.validateRequestWithBody(SHARED_KEY_SECRET, ours.headers['x-twilio-signature']!, ours.url!, body, 'HMAC_SHA256')).toBe(true);
  });

  it('reads the algorithm case-insensitively and defaults to HMAC-SHA1 without one, as the SDK does', () => {
    const params = { Body: 'hi' };
    const body = new URLSearchParams(params).toString();
    const sha256 = twilioSdk.getExpectedTwilioSignature(SHARED_KEY_SECRET, URL, params, 'HMAC_SHA256');
    const lower = { 'content-type': FORM, 'x-twilio-signature': sha256, 'x-twilio-webhooks-signature-settings': ` key=${SHARED_KEY_ID} , algorithm=hmac_sha256 ` };
    expect(twilioSdk.getSignatureAlgorithm(lower['x-twilio-webhooks-signature-settings'])).toBe('hmac_sha256');
    expect(sharedKeyVerifier.verify({ body, headers: lower, url: URL }).ok).toBe(true);
    const sha1 = twilioSdk.getExpectedTwilioSignature(SHARED_KEY_SECRET, URL, params);
    const keyOnly = { 'content-type': FORM, 'x-twilio-signature': sha1, 'x-twilio-webhooks-signature-settings': `key=${SHARED_KEY_ID}` };
    expect(twilioSdk.getSignatureAlgorithm(keyOnly['x-twilio-webhooks-signature-settings'])).toBe('HMAC_SHA1');
    expect(sharedKeyVerifier.verify({ body, headers: keyOnly, url: URL }).ok).toBe(true);
  });

  it('refuses a SHA-256 signature without the settings header and an algorithm Twilio does not name', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const params = { Body: 'hi' };
    const body = new URLSearchParams(params).toString();
    const sha256 = twilioSdk.getExpectedTwilioSignature(SHARED_KEY_SECRET, URL, params, 'HMAC_SHA256');
    expect(twilioSdk.validateRequest(SHARED_KEY_SECRET, sha256, URL, params)).toBe(false);
    expect(sharedKeyVerifier.verify({ body, headers: { 'content-type': FORM, 'x-twilio-signature': sha256 }, url: URL })).toMatchObject({ ok: false, reason: 'malformed_header' });
    const unknown = { 'content-type': FORM, 'x-twilio-signature': sha256, 'x-twilio-webhooks-signature-settings': `key=${SHARED_KEY_ID},algorithm=HMAC_SHA512` };
    expect(twilioSdk.validateRequest(SHARED_KEY_SECRET, sha256, URL, params, 'HMAC_SHA512')).toBe(false);
    expect(sharedKeyVerifier.verify({ body, headers: unknown, url: URL })).toMatchObject({ ok: false, reason: 'malformed_header', message: expect.stringContaining('HMAC_SHA256') as unknown });
  });

  it('refuses a shared key id that cannot be written into the settings header', () => {
    for (const sharedKeyId of ['', 'a,algorithm=HMAC_SHA1', 'key id', 'x'.repeat(257)]) {
      expect(() => twilio({ sharedKeyId })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });
});

describe('twilio SharedKey webhooks on the edge build (WebCrypto)', () => {
  it('verifies what twilio-node signs with HMAC_SHA256', async () => {
    const params = { Body: 'edge' };
    const body = new URLSearchParams(params).toString();
    const signature = twilioSdk.getExpectedTwilioSignature(SHARED_KEY_SECRET, URL, params, 'HMAC_SHA256');
    const edge = createEdgeWebhookVerifier({ provider: twilio(), secrets: [SHARED_KEY_SECRET] });
    const headers = { 'content-type': FORM, 'x-twilio-signature': signature, 'x-twilio-webhooks-signature-settings': SETTINGS };
    expect((await edge.verify({ body, headers, url: URL })).ok).toBe(true);
    expect(await edge.verify({ body: 'Body=other', headers, url: URL })).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
