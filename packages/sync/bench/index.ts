/**
 * @iap/sync benchmark: planning 100,000 records of 30 fields (10% of records changed, 1% with a
 * conflict) against the floor, a hand-written loop that only compares the same fields three ways.
 * Both run in one process on the same data; each case is measured in several alternating rounds and
 * the median round is reported. Run with `pnpm bench`.
 */
import { seededRandom } from '@iap/core';
import { measureThroughput, reportResults, type BenchCaseResult } from '../../../scripts/bench-kit.js';
import { defineSyncBoundary, emailAddress } from '../src/index.js';

const RECORD_COUNT = Number(process.env.IAP_SYNC_BENCH_RECORDS ?? 100_000);
const FIELD_COUNT = 30;
const CHANGED_SHARE = 0.1;
const CONFLICT_SHARE = 0.01;
const WARMUP_ROUNDS = 3;
const MEASURED_ROUNDS = 7;

const FIELDS = Array.from({ length: FIELD_COUNT }, (_, i) => `field${String(i).padStart(2, '0')}`);

function fieldValue(random: () => number, f: number): unknown {
  switch (f % 3) {
    case 0:
      return `value-${Math.floor(random() * 1e6)}`;
    case 1:
      return Math.floor(random() * 1e6);
    default:
      return random() < 0.5;
  }
}

function changedValue(random: () => number, f: number, previous: unknown): unknown {
  for (;;) {
    const next = f % 3 === 2 ? !(previous as boolean) : fieldValue(random, f);
    if (next !== previous) return next;
  }
}

interface Dataset {
  readonly bases: Record<string, unknown>[];
  readonly crm: Record<string, unknown>[];
  readonly erp: Record<string, unknown>[];
  readonly changedRecords: number;
  readonly conflictingRecords: number;
}

function buildDataset(): Dataset {
  const random = seededRandom(20_251_126);
  const bases: Record<string, unknown>[] = [];
  const crm: Record<string, unknown>[] = [];
  const erp: Record<string, unknown>[] = [];
  let changedRecords = 0;
  let conflictingRecords = 0;
  for (let i = 0; i < RECORD_COUNT; i++) {
    const base: Record<string, unknown> = {};
    for (let f = 0; f < FIELD_COUNT; f++) base[FIELDS[f]!] = fieldValue(random, f);
    const a = { ...base };
    const b = { ...base };
    const roll = random();
    if (roll < CONFLICT_SHARE) {
      const f = Math.floor(random() * FIELD_COUNT);
      const key = FIELDS[f]!;
      a[key] = changedValue(random, f, base[key]);
      b[key] = f % 3 === 2 ? a[key] : changedValue(random, f, a[key]);
      if (b[key] === a[key]) b[key] = `other-${i}`;
      conflictingRecords++;
      changedRecords++;
    } else if (roll < CHANGED_SHARE) {
      const f = Math.floor(random() * FIELD_COUNT);
      const key = FIELDS[f]!;
      const target = random() < 0.5 ? a : b;
      target[key] = changedValue(random, f, base[key]);
      changedRecords++;
    }
    bases.push(base);
    crm.push(a);
    erp.push(b);
  }
  return { bases, crm, erp, changedRecords, conflictingRecords };
}

/** The boundary: owners alternate between the systems; default policies (owner-wins, reject). */
const boundary = defineSyncBoundary({
  recordType: 'bench-record',
  systems: ['crm', 'erp'],
  fields: Object.fromEntries(FIELDS.map((name, f) => [name, f % 2 === 0 ? ('crm' as const) : ('erp' as const)])),
});

/** The same fields with two of them compared as e-mail addresses (the general, non-fast path). */
const mappedBoundary = defineSyncBoundary({
  recordType: 'bench-record',
  systems: ['crm', 'erp'],
  fields: Object.fromEntries(
    FIELDS.map((name, f) => [name, f === 0 || f === 3 ? { owner: 'crm' as const, normalize: emailAddress } : f % 2 === 0 ? ('crm' as const) : ('erp' as const)]),
  ),
});

let sink = 0;

function floorPass(data: Dataset): void {
  const { bases, crm, erp } = data;
  let changed = 0;
  let conflicts = 0;
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const a = crm[i]!;
    const b = erp[i]!;
    for (let f = 0; f < FIELDS.length; f++) {
      const key = FIELDS[f]!;
      const baseValue = base[key];
      const aValue = a[key];
      const bValue = b[key];
      if (aValue !== baseValue || bValue !== baseValue) {
        changed++;
        if (aValue !== baseValue && bValue !== baseValue && aValue !== bValue) conflicts++;
      }
    }
  }
  sink += changed + conflicts;
}

function planPass(data: Dataset, target: typeof boundary): void {
  const { bases, crm, erp } = data;
  let decisions = 0;
  for (let i = 0; i < bases.length; i++) {
    const plan = target.plan({ base: bases[i]!, records: { crm: crm[i]!, erp: erp[i]! } });
    decisions += plan.decisions.length;
  }
  sink += decisions;
}

async function medianOf(rounds: BenchCaseResult[][]): Promise<BenchCaseResult[]> {
  return Promise.resolve(
    rounds[0]!.map((_, c) => {
      const sorted = rounds.map((round) => round[c]!).sort((x, y) => x.opsPerSec - y.opsPerSec);
      return { ...sorted[Math.floor(sorted.length / 2)]!, samples: rounds.length };
    }),
  );
}

async function main(): Promise<void> {
  const data = buildDataset();
  const fieldsPerPass = RECORD_COUNT * FIELD_COUNT;
  const group = `plan ${RECORD_COUNT.toLocaleString('en-US')} records x ${FIELD_COUNT} fields (${data.changedRecords} changed, ${data.conflictingRecords} conflicting)`;
  const round = async (): Promise<BenchCaseResult[]> => [
    await measureThroughput(group, 'hand-written 3-way compare loop (floor)', 'floor', fieldsPerPass, () => floorPass(data), 'fields/s'),
    await measureThroughput(group, '@iap/sync boundary.plan()', 'ours', fieldsPerPass, () => planPass(data, boundary), 'fields/s'),
    await measureThroughput(group, '@iap/sync plan() with 2 e-mail normalisers', 'ours', fieldsPerPass, () => planPass(data, mappedBoundary), 'fields/s'),
  ];
  for (let i = 0; i < WARMUP_ROUNDS; i++) await round();
  const rounds: BenchCaseResult[][] = [];
  for (let i = 0; i < MEASURED_ROUNDS; i++) rounds.push(await round());
  const results = await medianOf(rounds);
  const floor = results.find((r) => r.role === 'floor')!;
  const ours = results.find((r) => r.role === 'ours')!;
  const ratio = ours.opsPerSec / floor.opsPerSec;
  reportResults('@iap/sync', results, [
    `median of ${MEASURED_ROUNDS} alternating rounds after ${WARMUP_ROUNDS} warm-up rounds; seeded data`,
    `boundary.plan() / floor = ${ratio.toFixed(2)}x (target >= 0.30x)`,
  ]);
  console.log(`\nboundary.plan() / floor = ${ratio.toFixed(2)}x (target >= 0.30x); sink ${sink}`);
}

await main();
