/**
 * Shared helpers for @iap's benchmarks (not published). Every package's `pnpm bench` measures its
 * cases with these and writes `bench/results/<package>.json`; `pnpm bench` at the root runs all of
 * them and prints one table of ours vs the best peer vs the floor (see scripts/bench.mjs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

/** What a measured case is: our code, a peer library, or the bare operation (the floor). */
export type BenchRole = 'ours' | 'peer' | 'floor';

/** One measured case. `opsPerSec` is in `unit` per second (operations, messages, fields, ...). */
export interface BenchCaseResult {
  group: string;
  name: string;
  role: BenchRole;
  opsPerSec: number;
  unit: string;
  /** Mean cost of one operation in nanoseconds, when measured per operation. */
  nsPerOp?: number;
  /** Relative margin of error in percent, when known. */
  rmePercent?: number;
  samples?: number;
}

/** A case to run through tinybench. */
export interface MicroCase {
  name: string;
  role: BenchRole;
  fn: () => unknown;
}

/** Options for {@link measureMicro}. */
export interface MicroOptions {
  /** Measuring time per case in ms. @defaultValue 1000 (IAP_BENCH_TIME_MS overrides) */
  timeMs?: number;
  /** Warm-up time per case in ms. @defaultValue 200 */
  warmupMs?: number;
  unit?: string;
}

/** Measures each case with tinybench in one run (same process, same conditions). */
export async function measureMicro(group: string, cases: MicroCase[], options: MicroOptions = {}): Promise<BenchCaseResult[]> {
  const time = Number(process.env.IAP_BENCH_TIME_MS ?? options.timeMs ?? 1000);
  const bench = new Bench({ time, warmupTime: options.warmupMs ?? 200 });
  for (const c of cases) bench.add(c.name, c.fn);
  await bench.run();
  return bench.tasks.map((task, i) => {
    const result = task.result as unknown as { throughput?: { mean: number; rme: number }; latency?: { mean: number; samples?: number[] }; hz?: number; mean?: number; rme?: number; samples?: number[] } | undefined;
    if (!result) throw new Error(`benchmark case ${task.name} produced no result`);
    const meanMs = result.latency?.mean ?? result.mean ?? NaN;
    const opsPerSec = meanMs > 0 ? 1000 / meanMs : (result.throughput?.mean ?? result.hz ?? NaN);
    return {
      group,
      name: task.name,
      role: cases[i]!.role,
      opsPerSec,
      unit: options.unit ?? 'ops/s',
      nsPerOp: meanMs * 1e6,
      rmePercent: result.throughput?.rme ?? result.rme ?? NaN,
    };
  });
}

/**
 * Measures a throughput case: runs `fn` (which processes `count` items) and reports items/s. Use it
 * for batch work (relay drains, consumer runs) where per-call timing is meaningless.
 */
export async function measureThroughput(group: string, name: string, role: BenchRole, count: number, fn: () => Promise<void> | void, unit = 'msgs/s'): Promise<BenchCaseResult> {
  const start = process.hrtime.bigint();
  await fn();
  const elapsedNs = Number(process.hrtime.bigint() - start);
  return { group, name, role, opsPerSec: (count / elapsedNs) * 1e9, unit, nsPerOp: elapsedNs / count, samples: count };
}

/** The median of `values` (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Prints a table of `results` with ratios to the floor and the best peer, and writes `bench/results/<name>.json`. */
export function reportResults(packageName: string, results: BenchCaseResult[], notes: string[] = []): void {
  const groups = new Map<string, BenchCaseResult[]>();
  for (const r of results) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const rows: string[] = [];
  for (const [group, cases] of groups) {
    const floor = cases.find((c) => c.role === 'floor');
    const peers = cases.filter((c) => c.role === 'peer');
    const bestPeer = peers.reduce<BenchCaseResult | undefined>((best, c) => (best === undefined || c.opsPerSec > best.opsPerSec ? c : best), undefined);
    rows.push(`\n${packageName} — ${group}`);
    for (const c of cases) {
      const vsFloor = floor ? ` | ${(c.opsPerSec / floor.opsPerSec).toFixed(2)}x floor` : '';
      const vsPeer = bestPeer && c.role === 'ours' ? ` | ${(c.opsPerSec / bestPeer.opsPerSec).toFixed(2)}x best peer (${bestPeer.name})` : '';
      const ns = c.nsPerOp === undefined ? '' : ` | ${c.nsPerOp.toFixed(0)} ns/op`;
      rows.push(`  [${c.role.padEnd(5)}] ${c.name.padEnd(48)} ${formatRate(c.opsPerSec).padStart(12)} ${c.unit}${ns}${vsFloor}${vsPeer}`);
    }
  }
  console.log(rows.join('\n'));
  const file = join(repoRoot, 'bench', 'results', `${packageName.replace(/^@iap\//, '')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ package: packageName, date: new Date().toISOString(), node: process.version, results, notes }, null, 2) + '\n');
  console.log(`\nresults written to ${file}`);
}

function formatRate(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(1);
}
