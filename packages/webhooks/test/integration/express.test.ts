import { ManualClock } from '@iap/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExpressWebhookHandler, createWebhookSigner, createWebhookVerifier, isWebhookBodyParsedError, stripe, WebhookErrorCode, type VerifiedWebhook } from '../../src/index.js';
import { listen, post, type Loopback } from './helpers/loopback.js';

const SECRET = 'whsec_express';
const clock = new ManualClock(1_700_000_000_000);

describe('Express adapter on a loopback server', () => {
  const events: VerifiedWebhook[] = [];
  const routeErrors: unknown[] = [];
  let server: Loopback;
  const signer = createWebhookSigner({ provider: stripe(), secret: SECRET, clock });

  beforeAll(async () => {
    const verifier = createWebhookVerifier({ provider: stripe(), secrets: [SECRET], clock, maxBodyBytes: 4096 });
    const handler = createExpressWebhookHandler({ verifier, onEvent: (event) => void events.push(event) });
    const app = express();
    app.post('/webhooks/stripe', handler); // before the JSON parser: route-scoped raw body
    app.post('/webhooks/raw', express.raw({ type: '*/*' }), handler); // express.raw leaves a Buffer
    app.use(express.json());
    app.post('/webhooks/misconfigured', handler); // after express.json(): the body is already parsed
    app.post('/api/echo', (req: Request, res: Response) => void res.json(req.body));
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      routeErrors.push(error);
      res.status(500).json({ error: isWebhookBodyParsedError(error) ? 'body_parsed' : 'unknown' });
    });
    server = await listen(createServer(app));
  });

  afterAll(() => server.close());

  const body = JSON.stringify({ id: 'evt_express', type: 'charge.succeeded', amount: 4200 });

  it('verifies the raw body of a route registered before the JSON parser; other routes still parse JSON', async () => {
    const response = await post(`${server.origin}/webhooks/stripe`, { body, headers: { 'content-type': 'application/json', ...signer.sign({ body }).headers } });
    expect(response.status).toBe(200);
    expect(events.at(-1)).toMatchObject({ id: 'evt_express', type: 'charge.succeeded' });
    const echo = await post(`${server.origin}/api/echo`, { body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(echo.text)).toEqual({ a: 1 });
  });

  it('accepts the Buffer left by express.raw()', async () => {
    const response = await post(`${server.origin}/webhooks/raw`, { body, headers: { 'content-type': 'application/json', ...signer.sign({ body }).headers } });
    expect(response.status).toBe(200);
  });

  it('reports an already-parsed body as WEBHOOK_BODY_PARSED, never re-serialising it', async () => {
    // JSON.stringify of the parsed object would equal `body` here, so a fallback would "verify": it must not.
    const response = await post(`${server.origin}/webhooks/misconfigured`, { body, headers: { 'content-type': 'application/json', ...signer.sign({ body }).headers } });
    expect(response.status).toBe(500);
    expect(JSON.parse(response.text)).toEqual({ error: 'body_parsed' });
    expect(routeErrors.at(-1)).toMatchObject({ code: WebhookErrorCode.WEBHOOK_BODY_PARSED, foundType: 'an object' });
  });

  it('reads the stream itself when a parser skipped the content type, even after express.json()', async () => {
    const response = await post(`${server.origin}/webhooks/misconfigured`, { body, headers: { 'content-type': 'application/vnd.stripe+json', ...signer.sign({ body }).headers } });
    expect(response.status).toBe(200);
  });

  it('answers rejected and oversized deliveries with their status', async () => {
    const tampered = await post(`${server.origin}/webhooks/stripe`, { body: body.replace('4200', '4201'), headers: { 'content-type': 'application/json', ...signer.sign({ body }).headers } });
    expect(tampered.status).toBe(401);
    const large = await post(`${server.origin}/webhooks/stripe`, { body: 'x'.repeat(5000), headers: { 'content-type': 'application/json' } });
    expect(large.status).toBe(413);
  });
});
