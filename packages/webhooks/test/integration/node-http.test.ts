import { ErrorCode, ManualClock } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNodeWebhookHandler,
  createWebhookDeduplicator,
  createWebhookSigner,
  createWebhookVerifier,
  github,
  slack,
  twilio,
  type VerifiedWebhook,
} from '../../src/index.js';
import { stringFieldsSchema } from '../../src/__fixtures__/object-schema.js';
import { chunkedBody, post, serveNode, type Loopback } from './helpers/loopback.js';

const SECRET = 'node-secret';
const clock = new ManualClock(1_700_000_000_000);

describe('node:http adapter on a loopback server', () => {
  const events: VerifiedWebhook[] = [];
  const errors: unknown[] = [];
  let server: Loopback;
  let slackServer: Loopback;
  let twilioServer: Loopback;
  const signer = createWebhookSigner({ provider: github(), secret: SECRET });

  beforeAll(async () => {
    const verifier = createWebhookVerifier({ provider: github(), secrets: [SECRET], maxBodyBytes: 64 * 1024, schema: stringFieldsSchema(['action']) });
    server = await serveNode(
      createNodeWebhookHandler({
        verifier,
        deduplicator: createWebhookDeduplicator(),
        onError: (error) => errors.push(error),
        onEvent: (event) => {
          const payload = event.payload();
          if (payload.action === 'explode') throw new Error('handler failed');
          events.push(event);
          return { status: 202, headers: { 'x-handled': event.type ?? '' }, body: 'accepted' };
        },
      }),
    );
    slackServer = await serveNode(
      createNodeWebhookHandler({ verifier: createWebhookVerifier({ provider: slack(), secrets: ['slack-secret'], clock }), onEvent: () => ({ body: 'event' }) }),
    );
    twilioServer = await serveNode(
      createNodeWebhookHandler({ verifier: createWebhookVerifier({ provider: twilio(), secrets: ['twilio-token'] }), onEvent: () => ({ headers: { 'content-type': 'text/xml' }, body: '<Response/>' }) }),
    );
  });

  afterAll(async () => {
    await Promise.all([server.close(), slackServer.close(), twilioServer.close()]);
  });

  const deliver = (body: string, headers: Record<string, string> = {}) =>
    post(`${server.origin}/hooks/github`, { body, headers: { 'content-type': 'application/json', ...signer.sign({ body }).headers, ...headers } });

  it('verifies the raw bytes, runs the handler and returns its reply', async () => {
    const body = JSON.stringify({ action: 'opened', note: 'ünïcödé ✓' });
    const response = await deliver(body, { 'x-github-event': 'issues', 'x-github-delivery': 'n-1' });
    expect(response).toMatchObject({ status: 202, text: 'accepted' });
    expect(response.headers.get('x-handled')).toBe('issues');
    expect(events.at(-1)).toMatchObject({ ok: true, id: 'n-1', type: 'issues' });
  });

  it('acknowledges a redelivery of the same id without running the handler', async () => {
    const count = events.length;
    const response = await deliver('{"action":"opened"}', { 'x-github-delivery': 'n-1' });
    expect(response).toMatchObject({ status: 200, text: '{"duplicate":true}' });
    expect(events).toHaveLength(count);
  });

  it('answers failures with the reason status and a JSON reason', async () => {
    const response = await post(`${server.origin}/hooks/github`, { body: '{"action":"x"}', headers: { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) } });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toMatchObject({ error: 'mismatch' });
    const missing = await post(`${server.origin}/hooks/github`, { body: '{}' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toMatchObject({ error: 'missing_header' });
  });

  it('answers 400 for a verified payload that fails the schema and 500 when the handler throws', async () => {
    const invalid = await deliver('{"action":1}', { 'x-github-delivery': 'n-2' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text)).toMatchObject({ error: 'invalid_payload' });
    const failing = await deliver('{"action":"explode"}', { 'x-github-delivery': 'n-3' });
    expect(failing.status).toBe(500);
    expect(errors.map((error) => (error as { code?: string; message: string }).code ?? (error as Error).message)).toEqual([ErrorCode.VALIDATION, 'handler failed']);
    // the failed delivery was released, so the provider's retry runs again
    const retried = await deliver('{"action":"opened"}', { 'x-github-delivery': 'n-3' });
    expect(retried.status).toBe(202);
  });

  it('refuses a body over maxBodyBytes from content-length and from the stream', async () => {
    const declared = await post(`${server.origin}/hooks/github`, { body: 'a'.repeat(64 * 1024 + 1) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text)).toMatchObject({ error: 'body_too_large' });
    const streamed = await post(`${server.origin}/hooks/github`, { body: chunkedBody(256 * 1024) });
    expect(streamed.status).toBe(413);
    // the server still serves the next request
    expect((await deliver('{"action":"opened"}', { 'x-github-delivery': 'n-4' })).status).toBe(202);
  });

  it('answers Slack url_verification after verification, without calling the handler', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'challenge-123' });
    const { headers } = createWebhookSigner({ provider: slack(), secret: 'slack-secret', clock }).sign({ body });
    const response = await post(slackServer.origin, { body, headers: { ...headers, 'content-type': 'application/json' } });
    expect(response).toMatchObject({ status: 200, text: 'challenge-123' });
    const forged = await post(slackServer.origin, { body, headers: { ...headers, 'x-slack-signature': 'v0=' + '1'.repeat(64) } });
    expect(forged.status).toBe(401);
  });

  it('verifies Twilio against the URL this server was called on', async () => {
    const url = `${twilioServer.origin}/twilio/sms?tenant=7`;
    const body = new URLSearchParams({ Body: 'hello', From: '+15550001111' }).toString();
    const signed = createWebhookSigner({ provider: twilio(), secret: 'twilio-token' }).sign({ body, url });
    const response = await post(url, { body, headers: { ...signed.headers, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response).toMatchObject({ status: 200, text: '<Response/>' });
  });
});
