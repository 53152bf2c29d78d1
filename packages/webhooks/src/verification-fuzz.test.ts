/**
 * Fuzzing: for every provider and both engines, arbitrary headers and bodies never make `verify`
 * throw, and a signature that was not made with the configured secret for these exact bytes is
 * never accepted.
 */
import { ManualClock } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { providerCases } from './__fixtures__/provider-cases.js';
import { createWebhookSigner } from './create-webhook-signer.js';
import { createWebhookVerifier } from './create-webhook-verifier.js';
import { createEdgeWebhookVerifier } from './edge/create-edge-webhook-verifier.js';
import { twilioParameterString } from './providers/twilio.js';
import type { WebhookProvider } from './webhook-provider.js';

const NOW = 1_700_000_000_000;
const clock = new ManualClock(NOW);

/** Header names every provider reads, so the fuzzer hits real parsing paths. */
function headerNames(): string[] {
  return [
    'x-hub-signature-256', 'x-hub-signature', 'stripe-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-id', 'svix-timestamp', 'svix-signature',
    'x-slack-signature', 'x-slack-request-timestamp', 'x-shopify-hmac-sha256', 'x-hubspot-signature-v3', 'x-hubspot-request-timestamp', 'x-hubspot-signature',
    'x-hubspot-signature-version', 'x-twilio-signature', 'x-square-hmacsha256-signature', 'x-zm-signature', 'x-zm-request-timestamp', 'x-pagerduty-signature',
    'twitch-eventsub-message-signature', 'twitch-eventsub-message-id', 'twitch-eventsub-message-timestamp', 'linear-signature', 'paddle-signature',
    'x-twilio-email-event-webhook-signature', 'x-twilio-email-event-webhook-timestamp', 'x-signature-ed25519', 'x-signature-timestamp', 'x-gitlab-token',
    'x-erp-signature', 'x-erp-timestamp', 'x-erp-delivery', 'content-type',
  ];
}

const headerValue = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.stringMatching(/^(sha256=|sha1=|v0=|v1,|v1=|t=\d{10},v1=|ts=\d{10};h1=)?[0-9a-fA-F+/=]{0,140}$/),
  fc.constantFrom(String(NOW / 1000), String(NOW), new Date(NOW).toISOString(), 'application/json', 'application/x-www-form-urlencoded'),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
);
const headers = fc.dictionary(fc.constantFrom(...headerNames()), headerValue, { maxKeys: 8 });
const body = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.uint8Array({ maxLength: 300 }), fc.constantFrom('{}', '{"signature":{"timestamp":"1700000000","token":"t","signature":"00"}}', 'a=b&c=d'));

describe.each(providerCases)('fuzz $name', (testCase) => {
  const options = (provider: WebhookProvider) => ({ provider, secrets: [testCase.verifySecret], clock, allowWeakSchemes: true, maxAgeMs: Infinity, maxFutureSkewMs: Infinity });
  const node = createWebhookVerifier(options(testCase.provider()));
  const edge = createEdgeWebhookVerifier(options(testCase.provider()));

  it('never throws and never accepts arbitrary headers and bodies (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(headers, body, fc.option(fc.webUrl(), { nil: undefined }), async (h, b, url) => {
        const request = { body: b, headers: h, ...(url === undefined ? {} : { url }) };
        const sync = node.verify(request);
        const async = await edge.verify(request);
        expect(sync.ok).toBe(false);
        expect(async.ok).toBe(false);
        if (!sync.ok && !async.ok) expect(async.reason).toBe(sync.reason);
      }),
      { seed: 99, numRuns: 150 },
    );
  });

  it('never accepts a real signature once any signed header or body byte changes (seeded)', async () => {
    const signer = createWebhookSigner({ provider: testCase.provider(), secret: testCase.signSecret, clock });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), fc.nat(), fc.nat(), async (payload, pick, flip) => {
        const signed = signer.sign({ body: testCase.body(payload, NOW), contentType: testCase.contentType, ...(testCase.url === undefined ? {} : { url: testCase.url }) });
        const url = signed.url ?? testCase.url;
        const base = { headers: { 'content-type': testCase.contentType, ...signed.headers }, ...(url === undefined ? {} : { url }) };
        expect(node.verify({ ...base, body: signed.body }).ok).toBe(true);
        // change one character of one header (never the content type), or one body byte
        const names = Object.keys(signed.headers);
        const mutateHeader = testCase.bodySigned ? pick % 2 === 0 : true;
        let request;
        if (testCase.name === 'mailgun') {
          // Mailgun's signed parts live in the body: change one character of timestamp, token or signature.
          const parsed = JSON.parse(String(signed.body)) as { signature: Record<string, string> };
          const field = ['timestamp', 'token', 'signature'][pick % 3]!;
          const value = parsed.signature[field]!;
          const index = flip % value.length;
          parsed.signature[field] = value.slice(0, index) + (value[index] === '0' ? '1' : '0') + value.slice(index + 1);
          request = { ...base, body: JSON.stringify(parsed) };
        } else if (mutateHeader && names.length > 0) {
          const name = names[pick % names.length]!;
          const value = signed.headers[name]!;
          const index = flip % value.length;
          // '0'/'1' never spell the same bytes as the original character (hex is case-insensitive)
          const replacement = value[index] === '0' ? '1' : '0';
          request = { ...base, body: signed.body, headers: { ...base.headers, [name]: value.slice(0, index) + replacement + value.slice(index + 1) } };
        } else {
          const bytes = Buffer.from(signed.body);
          const at = flip % bytes.length;
          bytes[at] = bytes[at]! ^ (1 << (pick % 8));
          // Twilio signs the decoded form parameters, not the bytes: `%2f` and `%2F` are the same message.
          fc.pre(testCase.name !== 'twilio' || twilioParameterString(bytes.toString('utf8')) !== twilioParameterString(String(signed.body)));
          request = { ...base, body: bytes };
        }
        const sync = node.verify(request);
        const async = await edge.verify(request);
        expect(sync.ok).toBe(false);
        expect(async.ok).toBe(false);
      }),
      { seed: 7, numRuns: 80 },
    );
  });
});
