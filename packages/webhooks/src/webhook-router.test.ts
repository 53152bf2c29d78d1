import { createHmac } from 'node:crypto';
import { ErrorCode } from '@iap/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { stringFieldsSchema } from './__fixtures__/object-schema.js';
import { createWebhookVerifier } from './create-webhook-verifier.js';
import { github } from './providers/github.js';
import { createWebhookRouter } from './webhook-router.js';

const verifier = createWebhookVerifier({ provider: github(), secrets: ['s'] });
const event = (type: string, body: string) =>
  verifier.verifyOrThrow({ body, headers: { 'x-github-event': type, 'x-hub-signature-256': 'sha256=' + createHmac('sha256', 's').update(body).digest('hex') } });

describe('createWebhookRouter', () => {
  it('dispatches by event type with validated, typed payloads', async () => {
    const router = createWebhookRouter({ schemas: { push: stringFieldsSchema(['ref']), issues: stringFieldsSchema(['action']) } });
    const seen: string[] = [];
    router
      .on('push', (payload) => {
        expectTypeOf(payload).toEqualTypeOf<Record<'ref', string>>();
        seen.push(payload.ref);
        return 'pushed';
      })
      .otherwise((_payload, e) => seen.push(`other:${e.type ?? '?'}`));
    expect(await router.dispatch(event('push', '{"ref":"refs/heads/main"}'))).toEqual({ type: 'push', handled: true, value: 'pushed' });
    expect(await router.dispatch(event('star', '{}'))).toMatchObject({ type: 'star', handled: true });
    await expect(router.dispatch(event('push', '{"ref":1}'))).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    expect(seen).toEqual(['refs/heads/main', 'other:star']);
  });

  it('reports unhandled types and refuses a second handler for one type', async () => {
    const router = createWebhookRouter<{ ping: { zen: string } }>();
    router.on('ping', (payload) => payload.zen);
    expect(await router.dispatch(event('push', '{}'))).toEqual({ type: 'push', handled: false, value: undefined });
    expect(await router.dispatch(event('ping', '{"zen":"calm"}'))).toEqual({ type: 'ping', handled: true, value: 'calm' });
    expect(() => router.on('ping', () => undefined)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });
});
