import { ManualClock } from '@iap/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaWebhookHandler, createWebhookSigner, createWebhookVerifier, hubspot, standardWebhooks, type LambdaHttpEvent, type LambdaHttpResult } from '../../src/index.js';
import { post, serveNode, type Loopback } from './helpers/loopback.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const clock = new ManualClock(1_700_000_000_000);

/**
 * A loopback stand-in for API Gateway's HTTP API (payload v2): it turns each HTTP request into the
 * event API Gateway would send (binary bodies base64-encoded) and the handler's result into the response.
 */
function apiGateway(handler: (event: LambdaHttpEvent) => Promise<LambdaHttpResult>, domainName: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [rawPath = '/', rawQueryString = ''] = (req.url ?? '/').split('?');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
      const event: LambdaHttpEvent = {
        rawPath,
        rawQueryString,
        headers,
        body: Buffer.concat(chunks).toString('base64'),
        isBase64Encoded: true,
        requestContext: { domainName, http: { method: req.method ?? 'POST' } },
      };
      void handler(event).then((result) => {
        res.writeHead(result.statusCode, result.headers);
        res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      });
    });
  };
}

describe('AWS Lambda adapter behind a loopback API Gateway stand-in', () => {
  let server: Loopback;
  let hubspotServer: Loopback;
  const received: Uint8Array[] = [];

  beforeAll(async () => {
    const verifier = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET], clock, maxBodyBytes: 1024 });
    server = await serveNode(apiGateway(createLambdaWebhookHandler({ verifier, onEvent: (event) => void received.push(event.body as Uint8Array) }), 'abc.execute-api.local'));
    hubspotServer = await serveNode(
      apiGateway(createLambdaWebhookHandler({ verifier: createWebhookVerifier({ provider: hubspot(), secrets: ['hub'], clock }), onEvent: () => ({ body: new Uint8Array([1, 2, 3]) }) }), 'hooks.example.com'),
    );
  });

  afterAll(async () => {
    await Promise.all([server.close(), hubspotServer.close()]);
  });

  it('decodes base64 bodies to the exact bytes that were signed', async () => {
    const body = Buffer.from([0x7b, 0x22, 0xe2, 0x9c, 0x93, 0x22, 0x3a, 0xff, 0x7d]); // includes invalid UTF-8
    const { headers } = createWebhookSigner({ provider: standardWebhooks(), secret: SECRET, clock }).sign({ body, id: 'msg_lambda' });
    const response = await post(`${server.origin}/hooks`, { body, headers });
    expect(response.status).toBe(200);
    expect(Buffer.from(received.at(-1)!)).toEqual(body);
  });

  it('signs HubSpot v3 over the public URL rebuilt from the event, and returns binary replies base64-encoded', async () => {
    const body = '[{"eventId":1}]';
    const publicUrl = 'https://hooks.example.com/hubspot?portal=42';
    const { headers } = createWebhookSigner({ provider: hubspot(), secret: 'hub', clock }).sign({ body, url: publicUrl, method: 'POST' });
    const response = await fetch(`${hubspotServer.origin}/hubspot?portal=42`, { method: 'POST', body, headers });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('refuses bodies over the limit before decoding and malformed base64', async () => {
    const handler = createLambdaWebhookHandler({ verifier: createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET], maxBodyBytes: 16 }), onEvent: () => undefined });
    expect(await handler({ body: 'A'.repeat(4000), isBase64Encoded: true })).toMatchObject({ statusCode: 413 });
    expect(await handler({ body: 'not base64!', isBase64Encoded: true })).toMatchObject({ statusCode: 400 });
  });
});
