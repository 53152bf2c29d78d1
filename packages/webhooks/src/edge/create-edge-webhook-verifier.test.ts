import { createHash, createHmac } from 'node:crypto';
import { ErrorCode, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { WebhookErrorCode } from '../webhook-error-codes.js';
import { stringFieldsSchema } from '../__fixtures__/object-schema.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { sendGrid } from '../providers/sendgrid.js';
import { github } from '../providers/github.js';
import { hubspot } from '../providers/hubspot.js';
import { createEdgeWebhookSigner } from './create-edge-webhook-signer.js';
import { createEdgeWebhookVerifier } from './create-edge-webhook-verifier.js';

/** A structurally valid P-256 SPKI whose point is not on the curve: parsers accept it, crypto libraries must not. */
const OFF_CURVE = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64');

describe('createEdgeWebhookVerifier', () => {
  it('verifies, throws and validates payloads like the node verifier', async () => {
    const verifier = createEdgeWebhookVerifier({ provider: github(), secrets: ['a', 's'], schema: stringFieldsSchema(['action']) });
    const body = '{"action":"closed"}';
    const headers = { 'x-hub-signature-256': 'sha256=' + createHmac('sha256', 's').update(body).digest('hex') };
    const result = await verifier.verify({ body: new TextEncoder().encode(body), headers });
    expect(result).toMatchObject({ ok: true, secretIndex: 1 });
    expect(result.ok && result.payload().action).toBe('closed');
    await expect(verifier.verifyOrThrow({ body: body + ' ', headers })).rejects.toMatchObject({ code: WebhookErrorCode.WEBHOOK_VERIFICATION, reason: 'mismatch' });
    await expect(verifier.verify({ body: [] as unknown as string, headers })).rejects.toMatchObject({ code: WebhookErrorCode.WEBHOOK_BODY_PARSED });
  });

  it('signs HubSpot v3 like node and verifies the weak v1 digest when allowed', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const signed = await createEdgeWebhookSigner({ provider: hubspot(), secret: 'h', clock }).sign({ body: '[]', url: 'https://example.com/h' });
    const node = createWebhookVerifier({ provider: hubspot(), secrets: ['h'], clock });
    expect(node.verify({ body: '[]', headers: signed.headers, url: 'https://example.com/h' }).ok).toBe(true);
    const v1 = createHash('sha256').update('h' + '[]').digest('hex'); // HubSpot v1: SHA-256 of secret + body
    const edge = createEdgeWebhookVerifier({ provider: hubspot(), secrets: ['h'], allowWeakSchemes: true, clock });
    expect((await edge.verify({ body: '[]', headers: { 'x-hubspot-signature': v1, 'x-hubspot-signature-version': 'v1' } })).ok).toBe(true);
  });

  it('reports a key WebCrypto rejects as INVALID_OPTIONS, where node:crypto rejects it at construction', async () => {
    expect(() => createWebhookVerifier({ provider: sendGrid(), secrets: [OFF_CURVE] })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    const edge = createEdgeWebhookVerifier({ provider: sendGrid(), secrets: [OFF_CURVE] });
    await expect(edge.verify({ body: '[]', headers: { 'x-twilio-email-event-webhook-signature': 'MAYCAQECAQE=', 'x-twilio-email-event-webhook-timestamp': '1' } })).rejects.toMatchObject({
      code: ErrorCode.INVALID_OPTIONS,
    });
  });
});
