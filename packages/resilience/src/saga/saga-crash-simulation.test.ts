/**
 * Property test: random saga shapes with injected step and compensation failures, whose workers die
 * at random store calls (before or after the write lands); every death is followed, once the lease
 * expired, by another worker calling `resume()` or `run()` with the same id. Whatever happens, the
 * saga ends in a settled status that matches its failures, every applied effect is undone exactly
 * when it must be, compensations run in reverse order, and no checkpointed step or compensation
 * runs again. (The same on real PostgreSQL with SIGKILL: test/integration/saga-crash.test.ts.)
 */
import { ManualClock, seededRandom } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSaga, type Saga } from './create-saga.js';
import type { SagaParallelGroup } from './saga-definition.js';
import { wrapStore } from './__fixtures__/wrap-store.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';
import type { SagaResult } from './saga-result.js';
import { isSagaActive } from './saga-status.js';
import type { SagaStepDefinition } from './saga-step.js';
import type { SagaStore } from './saga-store.js';

// transient failures stay below the 3 attempts of the retry policy, so only `permanent` can fail a step
type Failure = { kind: 'ok' } | { kind: 'transient'; times: number } | { kind: 'permanent' };
interface StepShape {
  compensable: boolean;
  action: Failure;
  compensation: Failure;
}
interface Scenario {
  stages: StepShape[][];
  pivot: number | undefined;
  crashes: Array<{ afterWrites: number; writeLands: boolean; via: 'resume' | 'run' }>;
}

const failure = (permanentWeight: number): fc.Arbitrary<Failure> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<Failure>({ kind: 'ok' }) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 2 }).map<Failure>((times) => ({ kind: 'transient', times })) },
    { weight: permanentWeight, arbitrary: fc.constant<Failure>({ kind: 'permanent' }) },
  );

const scenario: fc.Arbitrary<Scenario> = fc
  .array(fc.array(fc.record({ compensable: fc.boolean(), action: failure(1), compensation: failure(1) }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 })
  .chain((stages) =>
    fc.record({
      stages: fc.constant(stages),
      pivot: fc.option(fc.integer({ min: 1, max: stages.length }), { nil: undefined }),
      crashes: fc.array(fc.record({ afterWrites: fc.integer({ min: 0, max: 12 }), writeLands: fc.boolean(), via: fc.constantFrom<'resume' | 'run'>('resume', 'run') }), { maxLength: 4 }),
    }),
  );

const LEASE_MS = 1_000;

interface World {
  clock: ManualClock;
  store: SagaStore;
  effects: Map<string, { appliedAt: number; undoneAt: number | undefined }>;
  invocations: Map<string, number>;
  compensations: Map<string, number>;
  completedCheckpoints: Set<string>;
  compensatedCheckpoints: Set<string>;
  violations: string[];
  tick: number;
}

/** A worker's view of the store: after `afterWrites` writes it dies (its next call never returns). */
function mortalStore(world: World, crash: Scenario['crashes'][number] | undefined, worker: { dead: boolean }): SagaStore {
  let writes = 0;
  const never = new Promise<never>(() => undefined);
  const write = <T,>(call: () => Promise<T>): Promise<T> => {
    if (worker.dead) return never;
    if (crash !== undefined && writes >= crash.afterWrites) {
      worker.dead = true;
      if (crash.writeLands) void call().catch(() => undefined);
      return never;
    }
    writes++;
    return call();
  };
  const read = <T,>(call: () => Promise<T>): Promise<T> => (worker.dead ? never : call());
  const base = world.store;
  return {
    create: (input) => write(() => base.create(input)),
    acquire: (id, input) => write(() => base.acquire(id, input)),
    claim: (input) => write(() => base.claim(input)),
    checkpoint: (id, input) => write(() => base.checkpoint(id, input)),
    get: (id) => read(() => base.get(id)),
    list: (query) => read(() => base.list(query)),
    purge: (input) => write(() => base.purge(input)),
  };
}

function shouldFail(mode: Failure, count: number): boolean {
  return mode.kind === 'permanent' || (mode.kind === 'transient' && count <= mode.times);
}

function defineSaga(s: Scenario, world: World, store: SagaStore, worker: { dead: boolean }, workerId: string): Saga<null, Record<string, unknown>> {
  const hang = new Promise<never>(() => undefined);
  const stepOf = (name: string, shape: StepShape): SagaStepDefinition<null, Record<string, unknown>, string, { key: string }> => ({
    name,
    action: ({ idempotencyKey }) => {
      if (worker.dead) return hang;
      if (world.completedCheckpoints.has(name)) world.violations.push(`${name} ran again after its checkpoint`);
      const count = (world.invocations.get(name) ?? 0) + 1;
      world.invocations.set(name, count);
      if (shouldFail(shape.action, count)) throw new Error(`${name} failed (${count})`);
      if (!world.effects.has(idempotencyKey)) world.effects.set(idempotencyKey, { appliedAt: ++world.tick, undoneAt: undefined });
      return { key: idempotencyKey };
    },
    ...(shape.compensable
      ? {
          compensate: ({ result }: { result: { key: string } }) => {
            if (worker.dead) return hang;
            if (world.compensatedCheckpoints.has(name)) world.violations.push(`${name} compensated again after its checkpoint`);
            const effect = world.effects.get(result.key);
            if (effect === undefined) world.violations.push(`${name} compensated without an applied effect`);
            const count = (world.compensations.get(name) ?? 0) + 1;
            world.compensations.set(name, count);
            if (shouldFail(shape.compensation, count)) throw new Error(`undo ${name} failed (${count})`);
            if (effect !== undefined) effect.undoneAt ??= ++world.tick;
            return undefined;
          },
        }
      : {}),
  });
  let saga = createSaga<null>('simulated', {
    store,
    clock: world.clock,
    workerId,
    leaseMs: LEASE_MS,
    random: seededRandom(3),
    pollIntervalMs: 100,
    retry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 10 }, jitter: 'none' },
    compensationRetry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 10 }, jitter: 'none' },
  }) as Saga<null, Record<string, unknown>>;
  s.stages.forEach((stage, index) => {
    if (s.pivot === index) saga = saga.pivot();
    const afterPivot = s.pivot !== undefined && index >= s.pivot;
    const shapes = stage.map((shape) => (afterPivot ? { ...shape, compensable: false } : shape));
    if (shapes.length === 1) saga = saga.step(stepOf(`s${index}-0`, shapes[0]!));
    else {
      saga = saga.parallel((group) =>
        shapes.reduce<SagaParallelGroup<null, Record<string, unknown>, Record<string, unknown>>>((g, shape, i) => g.step(stepOf(`s${index}-${i}`, shape)), group),
      );
    }
  });
  return saga;
}

/** Advances the clock until the promise settles or its worker died. */
async function settleOrDie<T>(clock: ManualClock, promise: Promise<T>, worker: { dead: boolean }): Promise<{ settled: true; value: T } | { settled: false }> {
  let outcome: { value: T } | { error: unknown } | undefined;
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  for (let i = 0; i < 5_000; i++) {
    await clock.advanceAsync(i === 0 ? 0 : 5);
    if (outcome !== undefined) {
      if ('error' in outcome) throw outcome.error;
      return { settled: true, value: outcome.value };
    }
    if (worker.dead) return { settled: false };
  }
  throw new Error('a live worker made no progress for 25 s of clock time');
}

async function simulate(s: Scenario): Promise<{ world: World; result: SagaResult<Record<string, unknown>> }> {
  const base = createInMemorySagaStore();
  const world: World = {
    clock: new ManualClock(0),
    store: base,
    effects: new Map(),
    invocations: new Map(),
    compensations: new Map(),
    completedCheckpoints: new Set(),
    compensatedCheckpoints: new Set(),
    violations: [],
    tick: 0,
  };
  const checkpoint = base.checkpoint.bind(base);
  world.store = wrapStore(base, {
    checkpoint: async (id, write) => {
      const version = await checkpoint(id, write);
      for (const e of write.entries) {
        if (e.kind === 'step_completed' && e.step !== undefined) world.completedCheckpoints.add(e.step);
        if (e.kind === 'step_compensated' && e.step !== undefined) world.compensatedCheckpoints.add(e.step);
      }
      return version;
    },
  });
  let neverCreated = false;
  for (let attempt = 0; ; attempt++) {
    const crash = s.crashes[attempt];
    const worker = { dead: false };
    const saga = defineSaga(s, world, mortalStore(world, crash, worker), worker, `w${attempt}`);
    const via = attempt === 0 || neverCreated ? 'run' : (s.crashes[attempt - 1]?.via ?? 'resume');
    const work = via === 'run' ? saga.run(null, { sagaId: 'sim' }).then((r) => [r]) : saga.resume();
    const outcome = await settleOrDie(world.clock, work, worker);
    if (outcome.settled && outcome.value.length === 1) return { world, result: outcome.value[0]! };
    if (attempt > s.crashes.length + 10) throw new Error('too many attempts');
    if (outcome.settled) {
      // resume() found nothing: the dead worker's last write may have finished the saga
      const current = await saga.get('sim');
      if (current !== undefined && !isSagaActive(current.status)) return { world, result: current };
      neverCreated = current === undefined; // the first worker died before its create landed: the caller runs it again
      await world.clock.advanceAsync(LEASE_MS);
      continue;
    }
    world.clock.setTime(world.clock.now() + LEASE_MS + 1); // the dead worker's lease runs out
  }
}

function check(s: Scenario, world: World, result: SagaResult<Record<string, unknown>>): void {
  expect(world.violations).toEqual([]);
  expect(isSagaActive(result.status)).toBe(false);
  const names = s.stages.map((stage, i) => stage.map((_, j) => `s${i}-${j}`));
  const pivot = s.pivot ?? s.stages.length;
  const effect = (name: string) => world.effects.get(`sim:${name}`);
  if (result.status === 'completed') {
    for (const name of names.flat()) expect(effect(name)?.undoneAt, name).toBeUndefined();
    for (const name of names.flat()) expect(effect(name), name).toBeDefined();
  }
  if (result.status === 'compensated') {
    const [fi, fj] = result.failedStep!.slice(1).split('-').map(Number);
    expect(fi!).toBeLessThan(pivot);
    expect(s.stages[fi!]![fj!]!.action.kind).toBe('permanent');
    names.slice(0, pivot).forEach((stage, i) =>
      stage.forEach((name, j) => {
        const shape = s.stages[i]![j]!;
        const e = effect(name);
        if (e !== undefined && shape.compensable) expect(e.undoneAt, `${name} must be undone`).toBeDefined();
        if (shape.action.kind === 'permanent') expect(e, `${name} failed: no effect`).toBeUndefined();
      }),
    );
    for (const name of names.slice(pivot).flat()) expect(effect(name), `${name} is after the pivot`).toBeUndefined();
    // reverse order: every undo of a later stage happens before any undo of an earlier stage
    const undoneByStage = names.map((stage) => stage.map((n) => effect(n)?.undoneAt).filter((t): t is number => t !== undefined));
    for (let i = 0; i < undoneByStage.length; i++) {
      for (let j = i + 1; j < undoneByStage.length; j++) {
        if (undoneByStage[i]!.length > 0 && undoneByStage[j]!.length > 0) expect(Math.max(...undoneByStage[j]!)).toBeLessThan(Math.min(...undoneByStage[i]!));
      }
    }
  }
  if (result.status === 'failed') {
    expect(result.failedStep).toBeDefined();
    const [i, j] = result.failedStep!.slice(1).split('-').map(Number);
    expect(i!).toBeGreaterThanOrEqual(pivot);
    expect(s.stages[i!]![j!]!.action.kind).toBe('permanent');
    for (const name of names.flat()) expect(effect(name)?.undoneAt).toBeUndefined();
  }
  if (result.status === 'compensation_failed') {
    const step = result.compensationFailure!.step;
    const [i, j] = step.slice(1).split('-').map(Number);
    expect(s.stages[i!]![j!]!.compensation.kind).toBe('permanent');
    expect(effect(step)?.undoneAt).toBeUndefined();
  }
}

describe('saga crash simulation (property)', () => {
  it('ends settled and consistent whatever fails and wherever the workers die', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { world, result } = await simulate(s);
        check(s, world, result);
      }),
      { seed: 20_251_126, numRuns: 150 },
    );
  }, 120_000);
});
