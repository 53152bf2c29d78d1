/**
 * @iap/cdc parse throughput: a mixed stream of every fixture value in src/__fixtures__/cdc (Debezium
 * schemaless and schema-wrapped, DMS, Maxwell, Canal, wal2json v1/v2, Datastream; the tombstone has
 * no value bytes and is left out) parsed into typed events, against the bare `JSON.parse` of the same
 * text (the floor), in one run.
 *
 *   pnpm bench                        (from packages/cdc)
 *   IAP_BENCH_ROUNDS=31 pnpm bench    (more rounds: steadier medians)
 *
 * Cases are measured in short samples (PASSES passes over the stream each), interleaved: every round
 * runs every case once, in an order rotated between rounds, so background load hits all cases alike.
 * The figure is the median messages/s over the rounds; the first WARMUP_ROUNDS rounds only warm up.
 * Record fixtures (`*.record.json`) contribute their `value`, re-serialised compactly with every
 * number literal kept exact.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, reportResults, type BenchCaseResult, type BenchRole } from '../../../scripts/bench-kit.js';
import { createCdcParser } from '../src/index.js';
import { parseJsonText } from '../src/internal/json-text.js';

const ROUNDS = Number(process.env.IAP_BENCH_ROUNDS ?? 31);
const WARMUP_ROUNDS = 3;
const PASSES = Number(process.env.IAP_BENCH_PASSES ?? 60);
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', '__fixtures__', 'cdc');
const CAPTURED = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'captured');

function stringifyExact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `@@bigint:${v.toString()}@@` : v)).replace(/"@@bigint:(-?\d+)@@"/g, '$1');
}

interface Message {
  readonly name: string;
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly wrapped: boolean;
}

function loadStream(): Message[] {
  const messages: Message[] = [];
  for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.json')).sort()) {
    const fileText = readFileSync(join(FIXTURES, name), 'utf8');
    let text = fileText;
    if (name.endsWith('.record.json')) {
      const value = (parseJsonText(fileText, { lossless: true, maxDepth: 64 }).value as { value: unknown }).value;
      if (value === null) continue; // a tombstone has no bytes to parse
      text = stringifyExact(value);
    }
    messages.push({ name, text, bytes: new TextEncoder().encode(text), wrapped: /^\s*\{\s*"schema"/.test(text) });
  }
  return messages;
}

/** Values of the real captured streams (test/fixtures/captured) whose file name starts with `prefix`; JSON only. */
function loadCaptured(prefix: string): Message[] {
  const messages: Message[] = [];
  for (const name of readdirSync(CAPTURED).filter((file) => file.startsWith(prefix) && file.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(CAPTURED, name), 'utf8').split('\n')) {
      if (line === '') continue;
      const text = (JSON.parse(line) as { value: string | null }).value;
      if (text === null) continue; // tombstones
      try {
        JSON.parse(text);
      } catch {
        continue; // wal2json 2.5 writes one format-1 message as invalid JSON
      }
      messages.push({ name, text, bytes: new TextEncoder().encode(text), wrapped: /^\s*\{\s*"schema"/.test(text) });
    }
  }
  return messages;
}

interface Case {
  readonly group: string;
  readonly name: string;
  readonly role: BenchRole;
  readonly messages: readonly Message[];
  readonly parseOne: (message: Message) => unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
let sink = 0;

function buildCases(stream: readonly Message[]): Case[] {
  const groups: [string, readonly Message[]][] = [
    [`mixed stream, ${stream.length} fixture values, text input (messages/s)`, stream],
    [`schema-wrapped values only (${stream.filter((m) => m.wrapped).length}), text input (messages/s)`, stream.filter((m) => m.wrapped)],
    [`schemaless values only (${stream.filter((m) => !m.wrapped).length}), text input (messages/s)`, stream.filter((m) => !m.wrapped)],
  ];
  const cases: Case[] = [];
  for (const [group, messages] of groups) {
    const lossless = createCdcParser();
    const cold = createCdcParser({ schemaCacheSize: 0 });
    const lossy = createCdcParser({ lossless: false });
    cases.push(
      { group, name: 'JSON.parse (floor)', role: 'floor', messages, parseOne: (m) => JSON.parse(m.text) },
      { group, name: '@iap/cdc parse, lossless (default)', role: 'ours', messages, parseOne: (m) => lossless.parse(m.text) },
      { group, name: '@iap/cdc parse, lossless, schema cache off', role: 'ours', messages, parseOne: (m) => cold.parse(m.text) },
      { group, name: '@iap/cdc parse, lossless off', role: 'ours', messages, parseOne: (m) => lossy.parse(m.text) },
    );
  }
  const debezium = loadCaptured('debezium-pg-');
  const captured: [string, readonly Message[]][] = [
    [`captured Debezium 3.6 PostgreSQL, schema-wrapped (${debezium.filter((m) => m.wrapped).length} values, 3 settings) (messages/s)`, debezium.filter((m) => m.wrapped)],
    [`captured Debezium 3.6 PostgreSQL, schemaless (${debezium.filter((m) => !m.wrapped).length} values, 3 settings) (messages/s)`, debezium.filter((m) => !m.wrapped)],
    [`captured wal2json 2.5 formats 1 and 2 (${loadCaptured('wal2json-').length} values) (messages/s)`, loadCaptured('wal2json-')],
  ];
  for (const [group, messages] of captured) {
    const parser = createCdcParser();
    cases.push(
      { group, name: 'JSON.parse (floor)', role: 'floor', messages, parseOne: (m) => JSON.parse(m.text) },
      { group, name: '@iap/cdc parse, lossless (default)', role: 'ours', messages, parseOne: (m) => parser.parse(m.text) },
    );
  }
  const bytesGroup = `mixed stream, ${stream.length} fixture values, bytes input incl. UTF-8 decoding (messages/s)`;
  const fromBytes = createCdcParser();
  cases.push(
    { group: bytesGroup, name: 'JSON.parse(TextDecoder.decode(bytes)) (floor)', role: 'floor', messages: stream, parseOne: (m) => JSON.parse(decoder.decode(m.bytes)) },
    { group: bytesGroup, name: '@iap/cdc parse(bytes), lossless (default)', role: 'ours', messages: stream, parseOne: (m) => fromBytes.parse(m.bytes) },
  );
  return cases;
}

function sample(testCase: Case): number {
  const start = process.hrtime.bigint();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const message of testCase.messages) {
      if (testCase.parseOne(message) !== undefined) sink++;
    }
  }
  const elapsedNs = Number(process.hrtime.bigint() - start);
  return ((PASSES * testCase.messages.length) / elapsedNs) * 1e9;
}

function main(): void {
  const stream = loadStream();
  const cases = buildCases(stream);
  for (const testCase of cases) for (const message of testCase.messages) testCase.parseOne(message); // every case works
  const rates = cases.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS + WARMUP_ROUNDS; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const rate = sample(cases[index]!);
      if (round >= WARMUP_ROUNDS) rates[index]!.push(rate);
    }
  }
  const results: BenchCaseResult[] = cases.map((testCase, i) => {
    const opsPerSec = median(rates[i]!);
    return { group: testCase.group, name: testCase.name, role: testCase.role, opsPerSec, unit: 'msgs/s', nsPerOp: 1e9 / opsPerSec, samples: rates[i]!.length };
  });
  const bytes = stream.reduce((total, message) => total + message.bytes.length, 0);
  reportResults('@iap/cdc', results, [
    `stream: ${stream.length} messages, ${bytes} bytes (${stream.filter((m) => m.wrapped).length} schema-wrapped); target: @iap/cdc lossless >= 0.5x JSON.parse`,
    `median of ${ROUNDS} interleaved rounds of ${PASSES} passes; node ${process.version}`,
  ]);
  if (sink < 0) console.log(sink);
}

main();
