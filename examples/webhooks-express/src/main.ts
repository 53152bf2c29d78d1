/**
 * @iap/webhooks in Express: the app listens on 127.0.0.1 (ephemeral port) and receives, over real
 * HTTP with fetch, signed GitHub and Stripe deliveries, a forgery, a missing signature, a replay of
 * each (deduplicated: acknowledged, handler not run again), a Stripe delivery signed too long ago
 * and a delivery to a route mis-wired behind express.json(). Prints each status, checks them, and
 * closes the server.
 * Run: `pnpm --filter @iap-example/webhooks-express example`.
 */
import type { AddressInfo } from 'node:net';
import { createWebhookSigner, github, stripe } from '@iap/webhooks';
import { GITHUB_SECRET, STRIPE_SECRET, createApp } from './app.js';
import { check } from './check.js';

const handled: string[] = [];
const server = createApp(handled).listen(0, '127.0.0.1');
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`Express app listening on ${base}`);

const send = async (label: string, path: string, body: string, headers: Readonly<Record<string, string>>, expected: number) => {
  const response = await fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await response.text();
  console.log(`${label}: HTTP ${response.status}${text ? ` ${text}` : ''}`);
  check(response.status === expected, `${label} answers ${expected}`);
};

try {
  // --- GitHub: HMAC-SHA256 of the body, no signed timestamp: dedup by X-GitHub-Delivery is the replay guard
  const push = JSON.stringify({ ref: 'refs/heads/main', after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', repository: { full_name: 'acme/orders' } });
  const githubHeaders = { ...createWebhookSigner({ provider: github(), secret: GITHUB_SECRET }).sign({ body: push }).headers, 'x-github-event': 'push', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' };
  await send('GitHub push, signed', '/webhooks/github', push, githubHeaders, 200);
  const forged = createWebhookSigner({ provider: github(), secret: 'guessed-secret' }).sign({ body: push }).headers;
  await send('GitHub push, forged signature', '/webhooks/github', push, { ...githubHeaders, ...forged, 'x-github-delivery': 'f0rged00-0000-0000-0000-000000000000' }, 401);
  await send('GitHub push, no signature', '/webhooks/github', push, { 'x-github-event': 'push', 'x-github-delivery': 'a1b2c3d4-0000-0000-0000-000000000000' }, 400);
  await send('GitHub push, replayed', '/webhooks/github', push, githubHeaders, 200);

  // --- Stripe: `t.body` signed with a timestamp: old signatures are refused, new duplicates deduplicated
  const paid = JSON.stringify({ id: 'evt_1QExample', type: 'invoice.paid', data: { object: { id: 'in_1QExample', amount_paid: 4990, currency: 'eur' } } });
  const stripeSigner = createWebhookSigner({ provider: stripe(), secret: STRIPE_SECRET });
  const stripeHeaders = stripeSigner.sign({ body: paid }).headers;
  await send('Stripe invoice.paid, signed', '/webhooks/stripe', paid, stripeHeaders, 200);
  await send('Stripe invoice.paid, replayed', '/webhooks/stripe', paid, stripeHeaders, 200);
  const stale = stripeSigner.sign({ body: paid, timestampMs: Date.now() - 10 * 60_000 }).headers;
  await send('Stripe invoice.paid, signed 10 minutes ago', '/webhooks/stripe', paid, stale, 401);
  const tampered = paid.replace('4990', '1');
  await send('Stripe invoice.paid, amount changed after signing', '/webhooks/stripe', tampered, stripeHeaders, 401);

  // --- a route that parsed the body first cannot verify it: the adapter says so instead of guessing
  await send('GitHub push to a route behind express.json()', '/webhooks/misconfigured', push, githubHeaders, 500);

  console.log(`handlers ran for: ${handled.join(', ')}`);
  check(JSON.stringify(handled) === JSON.stringify(['github:72d3162e-cc78-11e3-81ab-4c9367dc0958', 'stripe:evt_1QExample']), 'each genuine delivery was handled exactly once');
  console.log('\nwebhooks-express: all checks passed');
} finally {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
