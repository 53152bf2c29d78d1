/**
 * `pnpm bench:ceiling`: how fast can a Standard Webhooks `v1` verification on node:crypto be at all?
 * A hand-written verifier for exactly one case (one secret, headers in a plain object, one `v1`
 * signature, a 1 KiB Buffer body) with nothing around the two one-shot hash calls an HMAC needs: no
 * header abstraction, no signature list, no configurable window, no result object. It shows where
 * the floor of a node:crypto HMAC verification lies against `standardwebhooks` (pure-JavaScript
 * SHA-256) at small bodies, next to `@iap/webhooks`' general verifier, in the same run (five
 * interleaved rounds, medians). Not part of `pnpm bench`: it measures an experiment, not a product.
 */
import { hash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { median } from '../../../scripts/bench-kit.js';
import { createWebhookSigner, createWebhookVerifier, standardWebhooks } from '../src/index.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const KEY = Buffer.from(SECRET.slice(6), 'base64');
const body = Buffer.alloc(1024, 0x61);
const text = body.toString('utf8');
const headers = createWebhookSigner({ provider: standardWebhooks(), secret: SECRET }).sign({ body, id: 'msg_bench' }).headers as Record<string, string>;

// the minimal verifier: padded key blocks once, then one scratch buffer, two hashes, a constant-time compare
const innerPad = Buffer.alloc(64);
const outer = Buffer.alloc(96);
KEY.forEach((byte, i) => {
  innerPad[i] = byte;
  outer[i] = byte;
});
for (let i = 0; i < 64; i++) {
  innerPad[i] = innerPad[i]! ^ 0x36;
  outer[i] = outer[i]! ^ 0x5c;
}
const scratch = Buffer.alloc(4096);
innerPad.copy(scratch, 0);
const signature = Buffer.alloc(33);
const BASE64 = new Int8Array(128).fill(0);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].forEach((c, i) => (BASE64[c.charCodeAt(0)] = i));

function minimal(raw: Buffer, h: Record<string, string>): boolean {
  const id = h['webhook-id']!;
  const timestamp = h['webhook-timestamp']!;
  const header = h['webhook-signature']!;
  if (!header.startsWith('v1,') || header.length !== 47) return false;
  for (let i = 3, o = 0; i < 47; i += 4) {
    const n = (BASE64[header.charCodeAt(i)]! << 18) | (BASE64[header.charCodeAt(i + 1)]! << 12) | (BASE64[header.charCodeAt(i + 2)]! << 6) | BASE64[header.charCodeAt(i + 3)]!;
    signature[o++] = n >>> 16;
    signature[o++] = (n >>> 8) & 255;
    signature[o++] = n & 255;
  }
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  let end = 64;
  for (let i = 0; i < id.length; i++) scratch[end++] = id.charCodeAt(i);
  scratch[end++] = 46;
  for (let i = 0; i < timestamp.length; i++) scratch[end++] = timestamp.charCodeAt(i);
  scratch[end++] = 46;
  raw.copy(scratch, end);
  end += raw.length;
  const inner = hash('sha256', scratch.subarray(0, end), 'binary');
  for (let i = 0; i < 32; i++) outer[64 + i] = inner.charCodeAt(i);
  const mac = hash('sha256', outer, 'binary');
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= mac.charCodeAt(i) ^ signature[i]!;
  return diff === 0;
}

const ours = createWebhookVerifier({ provider: standardWebhooks(), secrets: [SECRET] });
const sdk = new Webhook(SECRET);
const tampered = { ...headers, 'webhook-signature': `v1,${Buffer.alloc(32, 7).toString('base64')}` };
if (!minimal(body, headers) || minimal(body, tampered) || !ours.verify({ body, headers }).ok) throw new Error('benchmark setup: a verifier disagrees');
sdk.verify(text, headers, { jsonParse: false });

let sink: unknown;
function nsPerOp(fn: () => void): number {
  for (let i = 0; i < 20_000; i++) fn();
  const count = 200_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) fn();
  return Number(process.hrtime.bigint() - start) / count;
}
const rounds = { sdk: [] as number[], ours: [] as number[], minimal: [] as number[] };
for (let round = 0; round < 5; round++) {
  rounds.sdk.push(nsPerOp(() => (sink = sdk.verify(text, headers, { jsonParse: false }))));
  rounds.ours.push(nsPerOp(() => (sink = ours.verify({ body, headers }))));
  rounds.minimal.push(nsPerOp(() => (sink = minimal(body, headers))));
}
void sink;
const perRound = (case_: number[]): string => rounds.sdk.map((s, i) => (s / case_[i]!).toFixed(1)).join(', ');
console.log(`Standard Webhooks v1, 1 KiB, Node ${process.version}, medians of 5 interleaved rounds:`);
console.log(`  standardwebhooks verify         ${median(rounds.sdk).toFixed(0)} ns`);
console.log(`  @iap/webhooks verify            ${median(rounds.ours).toFixed(0)} ns  (${(median(rounds.sdk) / median(rounds.ours)).toFixed(1)}x standardwebhooks; rounds ${perRound(rounds.ours)})`);
console.log(`  minimal two-hash verifier       ${median(rounds.minimal).toFixed(0)} ns  (${(median(rounds.sdk) / median(rounds.minimal)).toFixed(1)}x standardwebhooks; rounds ${perRound(rounds.minimal)})`);
