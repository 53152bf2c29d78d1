/**
 * @iap/resilience policies benchmark: ns per call of an `async () => 42` callee through our circuit
 * breaker and retry+breaker pipeline, cockatiel and opossum, and the bare `await` (the floor), in one
 * run; then the failure path (every 10th call fails, the breaker never opens) at 10k, 30k and 100k
 * calls on a fresh breaker each.
 *
 *   pnpm bench                       (from packages/resilience)
 *   IAP_BENCH_ROUNDS=50 pnpm bench   (more rounds: steadier on a busy machine)
 *   IAP_BENCH_TIME_MS=300 pnpm bench (shorter run)
 *   IAP_BENCH_OPOSSUM_100K=1 pnpm bench (also opossum's failure path at 100k calls: minutes)
 *
 * Every case is measured in many short samples (SAMPLE_CALLS calls each), interleaved: each round
 * runs every case once, in an order rotated between rounds, so background load hits all cases alike.
 * Reported per case: the best (lowest) ns per call over the rounds, which is what a case costs when
 * nothing else runs (background load only ever adds time), and the median; ratios against the
 * targets use the best. The first WARMUP_ROUNDS rounds only warm the JIT up. The failure path runs each size on a fresh breaker after a warm-up on a throwaway
 * one, so 100k / 10k measures how the cost grows with traffic, not JIT compilation.
 */
import { ConsecutiveBreaker, ExponentialBackoff, SamplingBreaker, circuitBreaker, handleAll, retry as cockatielRetry, wrap } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { measureThroughput, median, reportResults, type BenchCaseResult, type BenchRole } from '../../../scripts/bench-kit.js';
import { createCircuitBreaker, createRetry, pipeline, type CircuitBreaker as IapCircuitBreaker } from '../src/index.js';

const ROUNDS = Number(process.env.IAP_BENCH_ROUNDS ?? 25);
const WARMUP_ROUNDS = 3;
const SAMPLE_CALLS = Number(process.env.IAP_BENCH_SAMPLE_CALLS ?? 20_000);
const SUCCESS_GROUP = 'success path, async () => 42 (ns per call)';
const FAILURE_GROUP = 'failure path, every 10th call fails, breaker never opens (ns per call)';
const FAILURE_SIZES = [10_000, 30_000, 100_000] as const;

// eslint-disable-next-line @typescript-eslint/require-await -- the callee the issue names: an async function returning 42
const callee = async (): Promise<number> => 42;

// ----------------------------------------------------------------------------- success path

interface SuccessCase {
  readonly name: string;
  readonly role: BenchRole;
  readonly once: () => Promise<unknown>;
}

function successCases(): { cases: SuccessCase[]; dispose: () => void } {
  const ours = createCircuitBreaker();
  const oursCount = createCircuitBreaker({ window: { kind: 'count', size: 100 } });
  const oursTime = createCircuitBreaker({ window: { kind: 'time', durationMs: 10_000 } });
  const oursRetryBreaker = pipeline(createRetry({ maxAttempts: 3 }), createCircuitBreaker());
  const cockatielBreaker = circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) });
  const cockatielSampling = circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }) });
  const cockatielWrapped = wrap(
    cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
    circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
  );
  const opossumDefault = new CircuitBreaker(callee);
  const opossumNoTimeout = new CircuitBreaker(callee, { timeout: false });
  return {
    cases: [
      { name: 'bare await', role: 'floor', once: () => callee() },
      { name: '@iap breaker (consecutive, default)', role: 'ours', once: () => ours.execute(callee) },
      { name: '@iap breaker (count window 100)', role: 'ours', once: () => oursCount.execute(callee) },
      { name: '@iap breaker (time window 10 s)', role: 'ours', once: () => oursTime.execute(callee) },
      { name: '@iap pipeline(retry, breaker)', role: 'ours', once: () => oursRetryBreaker.execute(callee) },
      { name: 'cockatiel breaker (consecutive 5)', role: 'peer', once: () => cockatielBreaker.execute(callee) },
      { name: 'cockatiel breaker (sampling 10 s)', role: 'peer', once: () => cockatielSampling.execute(callee) },
      { name: 'cockatiel wrap(retry, breaker)', role: 'peer', once: () => cockatielWrapped.execute(callee) },
      { name: 'opossum (default 10 s timeout)', role: 'peer', once: () => opossumDefault.fire() },
      { name: 'opossum (timeout: false)', role: 'peer', once: () => opossumNoTimeout.fire() },
    ],
    dispose: () => {
      opossumDefault.shutdown();
      opossumNoTimeout.shutdown();
    },
  };
}

// ----------------------------------------------------------------------------- failure path

const failure = new Error('every 10th call fails');

function everyTenthFails(): () => Promise<number> {
  let n = 0;
  return () => (++n % 10 === 0 ? Promise.reject(failure) : Promise.resolve(42));
}

async function drive(count: number, once: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) {
    try {
      await once();
    } catch {
      // expected: 10% of the calls fail
    }
  }
}

function oursFailing(): IapCircuitBreaker {
  return createCircuitBreaker({ window: { kind: 'time', durationMs: 10_000 }, failureRateThreshold: 0.5 });
}

function cockatielFailing() {
  return circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }) });
}

/**
 * Ours and cockatiel at every size, each on a fresh breaker. The code is warmed up first on a
 * throwaway breaker, so the 10k figure is not inflated by JIT compilation and 100k / 10k measures
 * how the cost grows with traffic.
 */
async function failureRound(): Promise<BenchCaseResult[]> {
  const warmOurs = oursFailing();
  const warmCockatiel = cockatielFailing();
  const warmOursFn = everyTenthFails();
  const warmCockatielFn = everyTenthFails();
  await drive(30_000, () => warmOurs.execute(warmOursFn));
  await drive(30_000, () => warmCockatiel.execute(warmCockatielFn));
  const results: BenchCaseResult[] = [];
  for (const count of FAILURE_SIZES) {
    const label = `${count / 1000}k calls`;
    const ours = oursFailing();
    const oursFn = everyTenthFails();
    results.push(await measureThroughput(FAILURE_GROUP, `@iap breaker (time window 10 s), ${label}`, 'ours', count, () => drive(count, () => ours.execute(oursFn)), 'calls/s'));
    if (ours.state !== 'closed') throw new Error('benchmark invalid: our breaker opened');
    const cockatiel = cockatielFailing();
    const cockatielFn = everyTenthFails();
    results.push(await measureThroughput(FAILURE_GROUP, `cockatiel breaker (sampling 10 s), ${label}`, 'peer', count, () => drive(count, () => cockatiel.execute(cockatielFn)), 'calls/s'));
  }
  return results;
}

/**
 * opossum (defaults) once per run: its cost per call grows with the calls in its 10 s rolling window,
 * so 100k calls take minutes; that size runs only with IAP_BENCH_OPOSSUM_100K=1.
 */
async function opossumFailurePath(): Promise<BenchCaseResult[]> {
  const sizes = process.env.IAP_BENCH_OPOSSUM_100K === '1' ? FAILURE_SIZES : FAILURE_SIZES.filter((size) => size < 100_000);
  const warm = new CircuitBreaker(everyTenthFails());
  await drive(5_000, () => warm.fire());
  warm.shutdown();
  const results: BenchCaseResult[] = [];
  for (const count of sizes) {
    const opossum = new CircuitBreaker(everyTenthFails());
    results.push(await measureThroughput(FAILURE_GROUP, `opossum (defaults), ${count / 1000}k calls`, 'peer', count, () => drive(count, () => opossum.fire()), 'calls/s'));
    if (opossum.opened) throw new Error('benchmark invalid: opossum opened');
    opossum.shutdown();
  }
  return results;
}

// ----------------------------------------------------------------------------- run

/** Medians per case name, filled by {@link mergeRounds}. */
const medians = new Map<string, number>();

/** One result per case name: the best ns/op over the rounds (the median is kept in `medians`). */
function mergeRounds(rounds: BenchCaseResult[][]): BenchCaseResult[] {
  const byName = new Map<string, BenchCaseResult[]>();
  for (const round of rounds) for (const r of round) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return [...byName.values()].map((runs) => {
    const values = runs.map((r) => r.nsPerOp!);
    const best = Math.min(...values);
    medians.set(runs[0]!.name, median(values));
    return { ...runs[0]!, nsPerOp: best, opsPerSec: 1e9 / best, samples: runs.length };
  });
}

async function main(): Promise<void> {
  console.log(`@iap/resilience benchmark: node ${process.version}, ${ROUNDS} rounds of ${SAMPLE_CALLS} calls per case (${WARMUP_ROUNDS} warm-up rounds)`);
  const { cases, dispose } = successCases();
  const successRounds: BenchCaseResult[][] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const shift = round % cases.length;
    const measured: BenchCaseResult[] = [];
    for (const c of [...cases.slice(shift), ...cases.slice(0, shift)]) {
      measured.push(await measureThroughput(SUCCESS_GROUP, c.name, c.role, SAMPLE_CALLS, () => drive(SAMPLE_CALLS, c.once), 'calls/s'));
    }
    if (round >= WARMUP_ROUNDS) successRounds.push(measured);
  }
  dispose();
  const failureRounds: BenchCaseResult[][] = [];
  for (let round = 0; round < 5; round++) failureRounds.push(await failureRound());
  failureRounds.push(await opossumFailurePath());

  const success = mergeRounds(successRounds).sort((a, b) => cases.findIndex((c) => c.name === a.name) - cases.findIndex((c) => c.name === b.name));
  const failures = mergeRounds(failureRounds);

  const ns = (name: string): number => [...success, ...failures].find((r) => r.name === name)?.nsPerOp ?? Number.NaN;
  const bare = ns('bare await');
  const breaker = ns('@iap breaker (consecutive, default)');
  const checks: Array<[string, number, string, boolean]> = [
    ['@iap breaker / bare await', breaker / bare, '<= 2.5', breaker / bare <= 2.5],
    ['@iap breaker / cockatiel breaker (consecutive)', breaker / ns('cockatiel breaker (consecutive 5)'), '<= 0.6', breaker / ns('cockatiel breaker (consecutive 5)') <= 0.6],
    ['@iap breaker (time window) / cockatiel breaker (sampling)', ns('@iap breaker (time window 10 s)') / ns('cockatiel breaker (sampling 10 s)'), '(no target)', true],
    ['@iap breaker (time window) / bare await', ns('@iap breaker (time window 10 s)') / bare, '(no target)', true],
    ['@iap retry+breaker / cockatiel wrap(retry, breaker)', ns('@iap pipeline(retry, breaker)') / ns('cockatiel wrap(retry, breaker)'), '< 1', ns('@iap pipeline(retry, breaker)') / ns('cockatiel wrap(retry, breaker)') < 1],
  ];
  for (const prefix of ['@iap breaker (time window 10 s)', 'cockatiel breaker (sampling 10 s)', 'opossum (defaults)']) {
    const ours = prefix.startsWith('@iap');
    const growth = ns(`${prefix}, 100k calls`) / ns(`${prefix}, 10k calls`);
    if (Number.isNaN(growth)) {
      const growth30 = ns(`${prefix}, 30k calls`) / ns(`${prefix}, 10k calls`);
      checks.push([`${prefix}: failure path ns/call at 30k / at 10k (100k: IAP_BENCH_OPOSSUM_100K=1)`, growth30, '(peer)', true]);
    } else {
      checks.push([`${prefix}: failure path ns/call at 100k / at 10k`, growth, ours ? '<= 1.5' : '(peer)', !ours || growth <= 1.5]);
    }
  }
  const notes = checks.map(([what, ratio, target, pass]) => `${what}: ${ratio.toFixed(2)}x (target ${target})${target.startsWith('(') ? '' : pass ? ' met' : ' MISSED'}`);
  notes.push(`nsPerOp is the best of ${ROUNDS} interleaved rounds; medians: ${[...medians].map(([name, value]) => `${name} ${value.toFixed(0)} ns`).join('; ')}`);
  reportResults('@iap/resilience', [...success, ...failures], notes);
  console.log('\nratios against the targets of issue 3 (best of the rounds)');
  for (const note of notes.slice(0, -1)) console.log(`  ${note}`);

  console.log('\nmarkdown (README)\n');
  console.log('| case | ns per call (best) | x bare await | ns per call (median) |');
  console.log('|---|---:|---:|---:|');
  for (const r of success) console.log(`| ${r.name} | ${r.nsPerOp!.toFixed(0)} | ${(r.nsPerOp! / bare).toFixed(2)} | ${medians.get(r.name)!.toFixed(0)} |`);
  console.log('\n| failure path | ' + FAILURE_SIZES.map((s) => `${s / 1000}k calls`).join(' | ') + ' | 100k / 10k |');
  console.log('|---|' + FAILURE_SIZES.map(() => '---:').join('|') + '|---:|');
  for (const prefix of ['@iap breaker (time window 10 s)', 'cockatiel breaker (sampling 10 s)', 'opossum (defaults)']) {
    const row = FAILURE_SIZES.map((s) => {
      const value = ns(`${prefix}, ${s / 1000}k calls`);
      return Number.isNaN(value) ? 'not run' : value.toFixed(0);
    });
    const growth = ns(`${prefix}, 100k calls`) / ns(`${prefix}, 10k calls`);
    console.log(`| ${prefix} | ${row.join(' | ')} | ${Number.isNaN(growth) ? 'n/a' : growth.toFixed(2)} |`);
  }
}

await main();
