import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, ManualClock } from '@iap/core';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import type { defineCrmClient } from './__fixtures__/decorated-client.js';
import { createFallback } from './fallback.js';
import { createRetry } from './retry/retry.js';
import { withPolicy } from './with-policy.js';

const directory = mkdtempSync(join(tmpdir(), 'iap-with-policy-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Compiles the fixture with TypeScript (standard decorators lowered for ES2022) and imports it. */
async function loadFixture(): Promise<typeof defineCrmClient> {
  const source = readFileSync(new URL('./__fixtures__/decorated-client.ts', import.meta.url), 'utf8');
  const output = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  const file = join(directory, 'decorated-client.mjs');
  writeFileSync(file, output.outputText);
  const module = (await import(pathToFileURL(file).href)) as { defineCrmClient: typeof defineCrmClient };
  return module.defineCrmClient;
}

describe('withPolicy (TC39 standard decorator)', () => {
  it('runs each call of the decorated method under the policy, with `this` and arguments intact', async () => {
    const define = await loadFixture();
    const retrying = createRetry({ maxAttempts: 3, backoff: { kind: 'constant', delayMs: 0 }, jitter: 'none' });
    const { CrmClient } = define(withPolicy, retrying, createFallback({ value: null }));
    const client = new CrmClient('acme');
    await expect(client.getAccount('42')).resolves.toBe('acme/42');
    expect(client.attempts).toBe(3);
    await expect(client.findAccount('7')).resolves.toBeNull();
  });

  it('passes the signal picked from the arguments to the policy', async () => {
    const define = await loadFixture();
    const clock = new ManualClock();
    const retrying = createRetry({ clock, maxAttempts: 5, backoff: { kind: 'constant', delayMs: 1_000 }, jitter: 'none' });
    const { CrmClient } = define(withPolicy, retrying, createFallback({ value: null }));
    const controller = new AbortController();
    const call = new CrmClient('acme').cancellable('1', controller.signal).catch((error: unknown) => error);
    await clock.advanceAsync(0);
    controller.abort();
    await expect(call).resolves.toMatchObject({ code: ErrorCode.ABORTED });
  });

  it('refuses to decorate anything but a method', () => {
    const decorate = withPolicy(createFallback({ value: 1 }));
    expect(() => decorate(() => Promise.resolve(1), { kind: 'getter' } as never)).toThrow(/decorates methods only \(got a getter\)/);
    expect(() => withPolicy({} as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });
});
