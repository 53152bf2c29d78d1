import { createHmac } from 'node:crypto';
import { ErrorCode, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { WebhookErrorCode } from './webhook-error-codes.js';
import { stringFieldsSchema } from './__fixtures__/object-schema.js';
import { createWebhookSigner } from './create-webhook-signer.js';
import { createWebhookVerifier } from './create-webhook-verifier.js';
import { github } from './providers/github.js';
import { standardWebhooks } from './providers/standard-webhooks.js';
import { stripe } from './providers/stripe.js';
import { VERIFICATION_FAILURE_STATUS } from './verification-failure.js';
import { isWebhookBodyParsedError } from './webhook-body-parsed-error.js';
import { isWebhookVerificationError } from './webhook-verification-error.js';

const NOW = 1_700_000_000_000;
const githubHeader = (secret: string, body: string): string => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

describe('createWebhookVerifier', () => {
  it('validates options at construction with INVALID_OPTIONS, naming the option and never the secret', () => {
    const cases: unknown[] = [
      undefined,
      {},
      { provider: github() },
      { provider: github(), secrets: [] },
      { provider: github(), secrets: [''] },
      { provider: github(), secrets: [42] },
      { provider: github(), secrets: ['s'], maxAgeMs: -1 },
      { provider: github(), secrets: ['s'], maxBodyBytes: 0 },
      { provider: github(), secrets: ['s'], schema: {} },
      { provider: github(), secrets: ['s'], protoAction: 'ignore' },
      { provider: standardWebhooks(), secrets: ['whsec_!!topsecret!!'] },
    ];
    for (const options of cases) {
      expect(() => createWebhookVerifier(options as Parameters<typeof createWebhookVerifier>[0])).toThrow(
        expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS, message: expect.not.stringContaining('topsecret') as unknown }),
      );
    }
  });

  it('tries every signature against every secret and reports the matching index', () => {
    const verifier = createWebhookVerifier({ provider: stripe(), secrets: ['s0', 's1', 's2'], clock: new ManualClock(NOW) });
    const body = '{"id":"evt"}';
    const t = NOW / 1000;
    const sig = (secret: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(verifier.verify({ body, headers: { 'stripe-signature': `t=${t},v1=${sig('x')},v1=${sig('s2')}` } })).toMatchObject({ ok: true, secretIndex: 2 });
    expect(verifier.verify({ body, headers: { 'stripe-signature': `t=${t},v1=${sig('s1')},v1=${sig('s0')}` } })).toMatchObject({ ok: true, secretIndex: 0 });
  });

  it('gives every failure reason its HTTP status', () => {
    expect(VERIFICATION_FAILURE_STATUS).toEqual({ missing_header: 400, malformed_header: 400, mismatch: 401, too_old: 401, in_future: 401, body_too_large: 413, weak_scheme_disabled: 403 });
  });

  it('enforces maxBodyBytes on bytes and on UTF-8 length of strings', () => {
    const verifier = createWebhookVerifier({ provider: github(), secrets: ['s'], maxBodyBytes: 10 });
    expect(verifier.verify({ body: new Uint8Array(11), headers: {} })).toMatchObject({ ok: false, reason: 'body_too_large', status: 413 });
    expect(verifier.verify({ body: 'ééééé!', headers: {} })).toMatchObject({ ok: false, reason: 'body_too_large' }); // 6 chars, 11 bytes
    expect(verifier.verify({ body: 'ééééé', headers: { 'x-hub-signature-256': githubHeader('s', 'ééééé') } }).ok).toBe(true); // 10 bytes
  });

  it('throws WebhookBodyParsedError for a parsed body instead of guessing its bytes', () => {
    const verifier = createWebhookVerifier({ provider: github(), secrets: ['s'] });
    expect(() => verifier.verify({ body: { a: 1 } as unknown as string, headers: {} })).toThrow(expect.objectContaining({ code: WebhookErrorCode.WEBHOOK_BODY_PARSED }));
    try {
      verifier.verify({ body: { a: 1 } as unknown as string, headers: {} });
    } catch (error) {
      expect(isWebhookBodyParsedError(error)).toBe(true);
    }
  });

  it('verifyOrThrow throws WebhookVerificationError with reason and status', () => {
    const verifier = createWebhookVerifier({ provider: github(), secrets: ['s'] });
    let caught: unknown;
    try {
      verifier.verifyOrThrow({ body: 'x', headers: { 'x-hub-signature-256': githubHeader('other', 'x') } });
    } catch (error) {
      caught = error;
    }
    expect(isWebhookVerificationError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: WebhookErrorCode.WEBHOOK_VERIFICATION, reason: 'mismatch', status: 401, provider: 'github', retryable: false });
    expect(verifier.verifyOrThrow({ body: 'x', headers: { 'x-hub-signature-256': githubHeader('s', 'x') } }).ok).toBe(true);
  });

  it('parses the payload only on demand, prototype-safely, and validates it against the schema', () => {
    const verifier = createWebhookVerifier({ provider: github(), secrets: ['s'], schema: stringFieldsSchema(['action']) });
    const good = '{"action":"opened","__proto__":{"admin":true}}';
    const result = verifier.verify({ body: Buffer.from(good), headers: { 'x-hub-signature-256': githubHeader('s', good) } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const payload = result.payload();
    expect(payload.action).toBe('opened');
    expect(Object.keys(payload)).toEqual(['action']);
    expect(result.payload()).toBe(payload);
    const bad = '{"action":7}';
    const invalid = verifier.verify({ body: bad, headers: { 'x-hub-signature-256': githubHeader('s', bad) } });
    expect(invalid.ok && (() => invalid.payload())).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION }));
    const notJson = 'not json';
    const broken = verifier.verify({ body: notJson, headers: { 'x-hub-signature-256': githubHeader('s', notJson) } });
    expect(broken.ok && (() => broken.payload())).toThrow(expect.objectContaining({ code: ErrorCode.DECODE }));
    const binary = Buffer.from([0xff, 0xfe]);
    const bytes = verifier.verify({ body: binary, headers: { 'x-hub-signature-256': 'sha256=' + createHmac('sha256', 's').update(binary).digest('hex') } });
    expect(bytes.ok && (() => bytes.text())).toThrow(expect.objectContaining({ code: ErrorCode.DECODE }));
  });

  it('reads the window from the provider unless overridden, with separate age and skew', () => {
    const signer = createWebhookSigner({ provider: stripe(), secret: 's', clock: new ManualClock(NOW) });
    const request = { body: '{}', headers: signer.sign({ body: '{}' }).headers };
    const at = (nowMs: number, options: { maxAgeMs?: number; maxFutureSkewMs?: number } = {}) =>
      createWebhookVerifier({ provider: stripe(), secrets: ['s'], clock: new ManualClock(nowMs), ...options }).verify(request);
    expect(at(NOW + 300_000).ok).toBe(true);
    expect(at(NOW + 300_001)).toMatchObject({ reason: 'too_old' });
    expect(at(NOW - 60_000).ok).toBe(true);
    expect(at(NOW - 60_001)).toMatchObject({ reason: 'in_future' });
    expect(at(NOW + 10_000, { maxAgeMs: 5_000 })).toMatchObject({ reason: 'too_old' });
    expect(at(NOW - 10_000, { maxFutureSkewMs: 0 })).toMatchObject({ reason: 'in_future' });
    expect(at(NOW + 86_400_000 * 365, { maxAgeMs: Infinity }).ok).toBe(true);
  });

  it('exposes headers of the verified request and a delivery id for dedup', () => {
    const verifier = createWebhookVerifier({ provider: github(), secrets: ['s'] });
    const result = verifier.verify({ body: '{}', headers: new Headers({ 'X-Hub-Signature-256': githubHeader('s', '{}'), 'X-GitHub-Delivery': 'abc', 'X-GitHub-Event': 'push' }) });
    expect(result).toMatchObject({ ok: true, id: 'abc', type: 'push' });
    expect(result.ok && result.header('X-GitHub-Event')).toBe('push');
  });
});
