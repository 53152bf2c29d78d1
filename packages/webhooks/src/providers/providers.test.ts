import { ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { providerCases, type ProviderCase } from '../__fixtures__/provider-cases.js';
import { createWebhookSigner } from '../create-webhook-signer.js';
import { createWebhookVerifier } from '../create-webhook-verifier.js';
import { createEdgeWebhookSigner } from '../edge/create-edge-webhook-signer.js';
import { createEdgeWebhookVerifier } from '../edge/create-edge-webhook-verifier.js';
import type { VerificationResult } from '../verified-webhook.js';
import type { SignedWebhook } from '../webhook-provider.js';
import type { WebhookRequest } from '../webhook-request.js';

const NOW = 1_700_000_000_000;

type Engine = 'node' | 'edge';

async function sign(engine: Engine, testCase: ProviderCase, payload: string, nowMs = NOW): Promise<SignedWebhook> {
  const options = { provider: testCase.provider(), secret: testCase.signSecret, clock: new ManualClock(nowMs) };
  const input = { body: testCase.body(payload, nowMs), contentType: testCase.contentType, ...(testCase.url === undefined ? {} : { url: testCase.url }) };
  return engine === 'node' ? createWebhookSigner(options).sign(input) : createEdgeWebhookSigner(options).sign(input);
}

async function verify(
  engine: Engine,
  testCase: ProviderCase,
  request: WebhookRequest,
  options: { secrets?: string[]; clock?: ManualClock; allowWeakSchemes?: boolean } = {},
): Promise<VerificationResult> {
  const verifierOptions = {
    provider: testCase.provider(),
    secrets: options.secrets ?? [testCase.otherSecret, testCase.verifySecret],
    clock: options.clock ?? new ManualClock(NOW),
    allowWeakSchemes: options.allowWeakSchemes ?? testCase.weak,
  };
  return engine === 'node' ? createWebhookVerifier(verifierOptions).verify(request) : createEdgeWebhookVerifier(verifierOptions).verify(request);
}

function requestOf(testCase: ProviderCase, signed: SignedWebhook, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  const url = signed.url ?? testCase.url;
  return {
    body: signed.body,
    headers: { 'content-type': testCase.contentType, ...signed.headers },
    ...(url === undefined ? {} : { url }),
    method: 'POST',
    ...overrides,
  };
}

function tamper(body: string | Uint8Array): string {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return text.replace('payload', 'pAyload');
}

const engines: Array<[Engine, Engine]> = [
  ['node', 'node'],
  ['node', 'edge'],
  ['edge', 'node'],
  ['edge', 'edge'],
];

describe.each(providerCases)('$name', (testCase) => {
  it.each(engines)('a delivery signed on %s verifies on %s with the second secret', async (signer, verifier) => {
    const signed = await sign(signer, testCase, 'payload ✓ ünïcödé');
    const result = await verify(verifier, testCase, requestOf(testCase, signed));
    expect(result).toMatchObject({ ok: true, secretIndex: 1, replayProtected: testCase.timestamped });
    if (!result.ok) return;
    expect(result.weakScheme !== undefined).toBe(testCase.weak);
    expect(result.timestamp === undefined).toBe(!testCase.timestamped);
    if (testCase.timestamped) expect(Math.abs(result.timestamp! - NOW)).toBeLessThan(1000);
  });

  it.each(['node', 'edge'] as const)('rejects a tampered body on %s (GitLab and Mailgun, which do not sign the body, are flagged weak)', async (engine) => {
    const signed = await sign('node', testCase, 'payload');
    const result = await verify(engine, testCase, requestOf(testCase, signed, { body: tamper(signed.body) }));
    if (!testCase.bodySigned) expect(result.ok).toBe(true);
    else expect(result).toMatchObject({ ok: false, reason: 'mismatch', status: 401 });
  });

  it.each(['node', 'edge'] as const)('rejects a delivery signed with another secret on %s', async (engine) => {
    const signed = await sign('node', testCase, 'payload');
    const result = await verify(engine, testCase, requestOf(testCase, signed), { secrets: [testCase.otherSecret] });
    expect(result).toMatchObject({ ok: false, reason: 'mismatch', provider: result.provider });
  });

  it('reports missing_header when no signature is sent', async () => {
    const signed = await sign('node', testCase, 'payload');
    const headers = testCase.name === 'mailgun' ? {} : { 'content-type': testCase.contentType };
    const body = testCase.name === 'mailgun' ? JSON.stringify({ 'event-data': {} }) : signed.body;
    const result = await verify('node', testCase, requestOf(testCase, signed, { headers, body }));
    expect(result).toMatchObject({ ok: false, reason: 'missing_header', status: 400 });
  });
});

describe.each(providerCases.filter((testCase) => testCase.weak))('$name (weak scheme)', (testCase) => {
  it('refuses the weak scheme unless allowWeakSchemes is set', async () => {
    const signed = await sign('node', testCase, 'payload');
    const result = await verify('node', testCase, requestOf(testCase, signed), { allowWeakSchemes: false });
    expect(result).toMatchObject({ ok: false, reason: 'weak_scheme_disabled', status: 403 });
  });
});

describe.each(providerCases.filter((testCase) => testCase.timestamped))('$name (replay window)', (testCase) => {
  it.each(['node', 'edge'] as const)('rejects old and future timestamps on %s', async (engine) => {
    const provider = testCase.provider();
    const window = provider.window!;
    const signed = await sign('node', testCase, 'payload');
    const late = await verify(engine, testCase, requestOf(testCase, signed), { clock: new ManualClock(NOW + window.maxAgeMs + 1_000) });
    expect(late).toMatchObject({ ok: false, reason: 'too_old', status: 401 });
    const early = await verify(engine, testCase, requestOf(testCase, signed), { clock: new ManualClock(NOW - window.maxFutureSkewMs - 1_000) });
    expect(early).toMatchObject({ ok: false, reason: 'in_future', status: 401 });
    const edge = await verify(engine, testCase, requestOf(testCase, signed), { clock: new ManualClock(NOW + window.maxAgeMs - 1_000) });
    expect(edge.ok).toBe(true);
  });
});
