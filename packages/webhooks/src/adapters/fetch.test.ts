import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { github } from '../providers/github.js';
import { isWebhookBodyParsedError } from '../webhook-body-parsed-error.js';
import { createFetchWebhookHandler, readFetchBody } from './fetch.js';

const SECRET = 'fetch-secret';
const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
const { headers } = createWebhookSigner({ provider: github(), secret: SECRET }).sign({ body });
const handler = createFetchWebhookHandler({ verifier: createWebhookVerifier({ provider: github(), secrets: [SECRET] }), onEvent: () => undefined });

function request(): Request {
  return new Request('https://example.com/webhooks/github', { method: 'POST', body, headers: { ...headers, 'x-github-delivery': 'd-1', 'x-github-event': 'ping' } });
}

describe('Fetch adapter: a body someone else read first', () => {
  it('rejects with WEBHOOK_BODY_PARSED (not a raw TypeError) when the body was already read', async () => {
    const consumed = request();
    await consumed.json();
    const failure: unknown = await handler(consumed).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isWebhookBodyParsedError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'WEBHOOK_BODY_PARSED', foundType: 'a consumed body' });
    expect((failure as Error).message).not.toContain('logically');
  });

  it('rejects with WEBHOOK_BODY_PARSED when the body stream is locked to another reader', async () => {
    const locked = request();
    locked.body!.getReader();
    await expect(readFetchBody(locked, 1024)).rejects.toMatchObject({ code: 'WEBHOOK_BODY_PARSED' });
  });

  it('still verifies an unread request', async () => {
    expect((await handler(request())).status).toBe(200);
  });
});
