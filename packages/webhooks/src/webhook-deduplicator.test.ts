import { createHmac } from 'node:crypto';
import { createInMemoryIdempotencyStore, ErrorCode, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createWebhookVerifier } from './create-webhook-verifier.js';
import { github } from './providers/github.js';
import type { VerifiedWebhook } from './verified-webhook.js';
import { createWebhookDeduplicator } from './webhook-deduplicator.js';

const verifier = createWebhookVerifier({ provider: github(), secrets: ['s'] });

function delivery(id: string | undefined): VerifiedWebhook {
  const headers: Record<string, string> = { 'x-hub-signature-256': 'sha256=' + createHmac('sha256', 's').update('{}').digest('hex') };
  if (id !== undefined) headers['x-github-delivery'] = id;
  return verifier.verifyOrThrow({ body: '{}', headers });
}

describe('createWebhookDeduplicator', () => {
  it('runs a delivery once and acknowledges redeliveries as duplicates', async () => {
    const dedup = createWebhookDeduplicator();
    let runs = 0;
    expect(await dedup.run(delivery('d1'), () => ++runs)).toEqual({ status: 'processed', value: 1, key: 'webhook:github:d1' });
    expect(await dedup.run(delivery('d1'), () => ++runs)).toEqual({ status: 'duplicate', key: 'webhook:github:d1' });
    expect(await dedup.run(delivery('d2'), () => ++runs)).toMatchObject({ status: 'processed', value: 2 });
    expect(runs).toBe(2);
  });

  it('reports in_progress while another worker holds the id, and lets a retry run after a failure', async () => {
    const dedup = createWebhookDeduplicator();
    let release: () => void = () => undefined;
    const first = dedup.run(delivery('d1'), () => new Promise<void>((resolve) => (release = resolve)));
    expect(await dedup.run(delivery('d1'), () => 'second')).toEqual({ status: 'in_progress', key: 'webhook:github:d1' });
    release();
    await first;
    await expect(dedup.run(delivery('d3'), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await dedup.run(delivery('d3'), () => 'retried')).toMatchObject({ status: 'processed', value: 'retried' });
  });

  it('forgets ids after ttlMs and takes over expired leases (core store semantics)', async () => {
    const clock = new ManualClock(0);
    const dedup = createWebhookDeduplicator({ store: createInMemoryIdempotencyStore({ clock }), ttlMs: 1_000, leaseMs: 100 });
    await dedup.run(delivery('d1'), () => undefined);
    clock.advance(1_001);
    expect(await dedup.run(delivery('d1'), () => 'again')).toMatchObject({ status: 'processed' });
    let release: () => void = () => undefined;
    const stuck = dedup.run(delivery('d4'), () => new Promise<void>((resolve) => (release = resolve)));
    clock.advance(101);
    expect(await dedup.run(delivery('d4'), () => 'takeover')).toMatchObject({ status: 'processed', value: 'takeover' });
    release();
    await expect(stuck).rejects.toMatchObject({ code: ErrorCode.IDEMPOTENCY_CONFLICT });
  });

  it('runs events without an id every time (nothing to dedup by)', async () => {
    const dedup = createWebhookDeduplicator();
    expect(await dedup.run(delivery(undefined), () => 1)).toEqual({ status: 'processed', value: 1, key: undefined });
    expect(await dedup.run(delivery(undefined), () => 2)).toEqual({ status: 'processed', value: 2, key: undefined });
  });

  it('validates options', () => {
    expect(() => createWebhookDeduplicator({ ttlMs: 0 })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(() => createWebhookDeduplicator({ leaseMs: Number.NaN })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });
});
