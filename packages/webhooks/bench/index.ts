/**
 * @iap/webhooks benchmark: signature-only verification of 1 KiB and 64 KiB bodies, ASCII and
 * non-ASCII, for three schemes, each against its floor (raw `createHmac` + strict-free decode +
 * `timingSafeEqual` over the same signed content) and the official SDK, in one run:
 *
 * - GitHub scheme: ours vs `@octokit/webhooks-methods` `verify` (async, string input);
 * - Stripe scheme: ours vs Stripe's `webhooks.signature.verifyHeader` (Buffer input, as from express.raw());
 * - Standard Webhooks: ours vs `standardwebhooks` `verify` (`jsonParse: false`, string input).
 *
 * Our verifier and the floor get the raw Buffer; SDKs that only take strings get a pre-decoded
 * string (their decoding cost is not counted). Each group runs in nine interleaved rounds and
 * reports each case's median round; the summary at the end also gives, per group, the median and
 * range of the per-round ratios (ours and the floor or peer measured in the same round, so load
 * drifting during a run cancels out). `pnpm bench` in this folder.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { measureMicro, reportResults, type BenchCaseResult, type MicroCase } from '../../../scripts/bench-kit.js';
import { createWebhookSigner, createWebhookVerifier, github, standardWebhooks, stripe } from '../src/index.js';

const GITHUB_SECRET = 'github-webhook-secret-0123456789';
const STRIPE_SECRET = 'whsec_stripe_0123456789abcdef';
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SW_KEY = Buffer.from(SW_SECRET.slice(6), 'base64');

/** A JSON body of exactly `bytes` bytes of UTF-8, ASCII or mostly multi-byte characters. */
function body(bytes: number, nonAscii: boolean): Buffer {
  const unit = nonAscii ? 'Größe ✓ 日本語 Ωμέγα ' : 'order line widget blue ';
  let text = '{"id":"evt_1","type":"order.updated","note":"';
  while (Buffer.byteLength(text + unit + '"}') <= bytes) text += unit;
  while (Buffer.byteLength(text + '"}') < bytes) text += 'x';
  const out = Buffer.from(text + '"}', 'utf8');
  if (out.length !== bytes) throw new Error(`body is ${out.length} bytes, wanted ${bytes}`);
  return out;
}

const sdk = new Stripe('sk_test_bench');
let sink: unknown;

/** Rounds per group. */
const ROUNDS = 9;

/** Per group: ours / floor and ours / peer in each round. */
const pairedRatios = new Map<string, { floor: number[]; peer: number[] }>();

/**
 * Measures a group in several short rounds and keeps each case's median round: on a shared 2-vCPU
 * machine the load drifts during a run, and rounds interleave the cases so that drift hits all of
 * them alike. Also records each round's ours / floor and ours / peer ratios.
 */
async function measureRounds(group: string, cases: MicroCase[], rounds = ROUNDS): Promise<BenchCaseResult[]> {
  const perCase: BenchCaseResult[][] = cases.map(() => []);
  const ratios = { floor: [] as number[], peer: [] as number[] };
  const rate = (results: BenchCaseResult[], role: BenchCaseResult['role']): number => results.find((result) => result.role === role)!.opsPerSec;
  for (let round = 0; round < rounds; round++) {
    const results = await measureMicro(group, cases, { timeMs: 150, warmupMs: 50 });
    results.forEach((result, index) => perCase[index]!.push(result));
    ratios.floor.push(rate(results, 'ours') / rate(results, 'floor'));
    ratios.peer.push(rate(results, 'ours') / rate(results, 'peer'));
  }
  pairedRatios.set(group, ratios);
  return perCase.map((results) => {
    const sorted = [...results].sort((a, b) => a.opsPerSec - b.opsPerSec);
    return { ...sorted[Math.floor(sorted.length / 2)]!, samples: rounds };
  });
}

function describeRatios(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}x (${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)})`;
}

function check(label: string, ok: boolean): void {
  if (!ok) throw new Error(`benchmark setup: ${label} does not verify`);
}

async function scheme(size: string, raw: Buffer): Promise<BenchCaseResult[]> {
  const text = raw.toString('utf8');
  const results: BenchCaseResult[] = [];

  // GitHub: HMAC-SHA256 of the body, hex
  const gh = createWebhookVerifier({ provider: github(), secrets: [GITHUB_SECRET] });
  const ghHeaders = { 'x-hub-signature-256': createWebhookSigner({ provider: github(), secret: GITHUB_SECRET }).sign({ body: raw }).headers['x-hub-signature-256']! };
  const ghHex = ghHeaders['x-hub-signature-256'].slice(7);
  check('github (ours)', gh.verify({ body: raw, headers: ghHeaders }).ok);
  check('github (octokit)', await octokitVerify(GITHUB_SECRET, text, ghHeaders['x-hub-signature-256']));
  results.push(
    ...(await measureRounds(`GitHub scheme, ${size}`, [
      {
        name: 'createHmac + timingSafeEqual (floor)',
        role: 'floor',
        fn: () => {
          const expected = Buffer.from(ghHex, 'hex');
          const mac = createHmac('sha256', GITHUB_SECRET).update(raw).digest();
          sink = mac.length === expected.length && timingSafeEqual(mac, expected);
        },
      },
      { name: '@iap/webhooks verify (Buffer)', role: 'ours', fn: () => { sink = gh.verify({ body: raw, headers: ghHeaders }); } },
      { name: '@octokit/webhooks-methods verify (string)', role: 'peer', fn: async () => { sink = await octokitVerify(GITHUB_SECRET, text, ghHeaders['x-hub-signature-256']); } },
    ])),
  );

  // Stripe: HMAC-SHA256 of "<t>.<body>", hex
  const st = createWebhookVerifier({ provider: stripe(), secrets: [STRIPE_SECRET] });
  const stHeader = createWebhookSigner({ provider: stripe(), secret: STRIPE_SECRET }).sign({ body: raw }).headers['stripe-signature']!;
  const stHeaders = { 'stripe-signature': stHeader };
  const [tPart, v1Part] = stHeader.split(',') as [string, string];
  const t = tPart.slice(2);
  const stHex = v1Part.slice(3);
  check('stripe (ours)', st.verify({ body: raw, headers: stHeaders }).ok);
  check('stripe (sdk)', sdk.webhooks.signature!.verifyHeader(raw, stHeader, STRIPE_SECRET));
  results.push(
    ...(await measureRounds(`Stripe scheme, ${size}`, [
      {
        name: 'createHmac + timingSafeEqual (floor)',
        role: 'floor',
        fn: () => {
          const expected = Buffer.from(stHex, 'hex');
          const mac = createHmac('sha256', STRIPE_SECRET).update(`${t}.`).update(raw).digest();
          sink = mac.length === expected.length && timingSafeEqual(mac, expected);
        },
      },
      { name: '@iap/webhooks verify (Buffer)', role: 'ours', fn: () => { sink = st.verify({ body: raw, headers: stHeaders }); } },
      { name: 'stripe webhooks.signature.verifyHeader (Buffer)', role: 'peer', fn: () => { sink = sdk.webhooks.signature!.verifyHeader(raw, stHeader, STRIPE_SECRET); } },
    ])),
  );

  // Standard Webhooks: HMAC-SHA256 of "<id>.<ts>.<body>", base64
  const sw = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SW_SECRET] });
  const swHeaders = createWebhookSigner({ provider: standardWebhooks(), secret: SW_SECRET }).sign({ body: raw, id: 'msg_bench' }).headers;
  const swSdk = new Webhook(SW_SECRET);
  const swPrefix = `msg_bench.${swHeaders['webhook-timestamp']!}.`;
  const swSignature = swHeaders['webhook-signature']!.slice(3);
  check('standard webhooks (ours)', sw.verify({ body: raw, headers: swHeaders }).ok);
  swSdk.verify(text, swHeaders, { jsonParse: false });
  results.push(
    ...(await measureRounds(`Standard Webhooks scheme, ${size}`, [
      {
        name: 'createHmac + timingSafeEqual (floor)',
        role: 'floor',
        fn: () => {
          const expected = Buffer.from(swSignature, 'base64');
          const mac = createHmac('sha256', SW_KEY).update(swPrefix).update(raw).digest();
          sink = mac.length === expected.length && timingSafeEqual(mac, expected);
        },
      },
      { name: '@iap/webhooks verify (Buffer)', role: 'ours', fn: () => { sink = sw.verify({ body: raw, headers: swHeaders }); } },
      { name: 'standardwebhooks verify (string, jsonParse: false)', role: 'peer', fn: () => { sink = swSdk.verify(text, swHeaders, { jsonParse: false }); } },
    ])),
  );
  return results;
}

const results: BenchCaseResult[] = [];
for (const [label, bytes] of [['1 KiB', 1024], ['64 KiB', 65_536]] as const) {
  for (const nonAscii of [false, true]) {
    results.push(...(await scheme(`${label} ${nonAscii ? 'non-ASCII' : 'ASCII'}`, body(bytes, nonAscii))));
  }
}
void sink;
const summary = [...pairedRatios].map(([group, ratios]) => `${group}: ours/floor ${describeRatios(ratios.floor)}, ours/peer ${describeRatios(ratios.peer)}`);
reportResults('@iap/webhooks', results, [
  `signature-only verify; bodies are raw Buffers (ours, floor, Stripe); octokit and standardwebhooks take pre-decoded strings; Node ${process.version}`,
  'per-round ratios, median (min–max):',
  ...summary,
]);
console.log(`\nper-round ratios, median (min–max) of ${ROUNDS} rounds:\n${summary.map((line) => `  ${line}`).join('\n')}`);
