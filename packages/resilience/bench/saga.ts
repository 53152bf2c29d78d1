/**
 * @iap/resilience saga benchmark: sagas per second for a 3-step saga whose steps are no-ops, with
 * the in-memory store and with the PostgreSQL store, against the hand-written sequence of the same
 * three awaited calls (the floor), in one run. Prints the ratio to the floor and the cost per
 * checkpoint (a saga writes 4: its creation and one per step, the last also completing it).
 *
 *   pnpm bench                               (from packages/resilience; runs bench/index.ts first)
 *   tsx bench/saga.ts                        (this file only)
 *   DATABASE_URL=postgres://... tsx bench/saga.ts
 *   IAP_BENCH_PGLITE=1 tsx bench/saga.ts     (also the PGlite store; its boot takes seconds)
 *
 * The PostgreSQL store is measured sequentially (one saga at a time: bound by commit latency) and with
 * 16 sagas in flight, next to a bare single-row INSERT by hand (the floor of one durable write); the
 * cases use a dedicated schema, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { measureMicro, measureThroughput, reportResults, type BenchCaseResult } from '../../../scripts/bench-kit.js';
import { probePostgres, postgresUrl } from '../../../scripts/testing/probe.mjs';
import { createInMemorySagaStore, createSaga, type SagaStore } from '../src/index.js';
import { createPGliteSagaStore, createPostgresSagaStore } from '../src/postgres.js';

const GROUP = '3-step no-op saga (sagas/s)';
const CHECKPOINTS_PER_SAGA = 4;
const WRITE_GROUP = 'PostgreSQL: one checkpoint vs one bare write (writes/s)';
const PG_SEQUENTIAL = Number(process.env.IAP_BENCH_SAGA_PG_SEQUENTIAL ?? 1_500);
const PG_CONCURRENT = Number(process.env.IAP_BENCH_SAGA_PG_CONCURRENT ?? 4_000);
const IN_FLIGHT = 16;

// the three no-op steps the issue names, as the hand-written code would call them
// eslint-disable-next-line @typescript-eslint/require-await
const reserve = async (): Promise<number> => 1;
// eslint-disable-next-line @typescript-eslint/require-await
const charge = async (): Promise<number> => 2;
// eslint-disable-next-line @typescript-eslint/require-await
const ship = async (): Promise<number> => 3;

function threeStepSaga(store: SagaStore) {
  return createSaga('bench', { store })
    .step({ name: 'reserve', action: reserve })
    .step({ name: 'charge', action: charge })
    .step({ name: 'ship', action: ship });
}

let sequence = 0;
const nextId = (): string => `bench-${++sequence}`;

async function inFlight(count: number, concurrency: number, run: () => Promise<unknown>): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < count) {
      started++;
      await run();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

async function main(): Promise<void> {
  const results: BenchCaseResult[] = [];
  const notes: string[] = [];

  let memory = createInMemorySagaStore();
  let memorySaga = threeStepSaga(memory);
  results.push(
    ...(await measureMicro(
      GROUP,
      [
        {
          name: 'hand-written: await reserve(); await charge(); await ship()',
          role: 'floor',
          fn: async () => {
            await reserve();
            await charge();
            await ship();
          },
        },
        {
          name: 'saga.run, in-memory store',
          role: 'ours',
          fn: async () => {
            if (memory.size >= 20_000) {
              memory = createInMemorySagaStore(); // keep the heap flat over a long run
              memorySaga = threeStepSaga(memory);
            }
            await memorySaga.run(undefined, { sagaId: nextId() });
          },
        },
      ],
      { unit: 'sagas/s' },
    )),
  );

  if (await probePostgres()) {
    const pool = new pg.Pool({ connectionString: postgresUrl(), max: IN_FLIGHT + 2 });
    const schema = `iap_saga_bench_${randomBytes(4).toString('hex')}`;
    try {
      const store = createPostgresSagaStore({ pool, schema });
      await store.migrate();
      const saga = threeStepSaga(store);
      await inFlight(200, 4, () => saga.run(undefined, { sagaId: nextId() })); // warm-up: connections, plans, JIT
      await pool.query(`CREATE TABLE "${schema}".bare_writes (id text PRIMARY KEY, version bigint NOT NULL, payload text)`);
      let row = 0;
      const bareWrite = () => pool.query(`INSERT INTO "${schema}".bare_writes (id, version, payload) VALUES ($1, 1, $2)`, [`w-${++row}`, '{"step":"reserve"}']);
      await inFlight(200, 1, bareWrite);
      const bare = await measureThroughput(WRITE_GROUP, 'bare INSERT by hand (autocommit), one at a time', 'floor', PG_SEQUENTIAL, () => inFlight(PG_SEQUENTIAL, 1, bareWrite), 'writes/s');
      const sequential = await measureThroughput(
        GROUP,
        'saga.run, PostgreSQL store, one at a time',
        'ours',
        PG_SEQUENTIAL,
        () => inFlight(PG_SEQUENTIAL, 1, () => saga.run(undefined, { sagaId: nextId() })),
        'sagas/s',
      );
      results.push(sequential, bare, {
        ...sequential,
        group: WRITE_GROUP,
        name: 'saga checkpoints (same run as above, 4 per saga)',
        opsPerSec: sequential.opsPerSec * CHECKPOINTS_PER_SAGA,
        nsPerOp: (sequential.nsPerOp ?? 0) / CHECKPOINTS_PER_SAGA,
        unit: 'writes/s',
      });
      results.push(
        await measureThroughput(GROUP, `saga.run, PostgreSQL store, ${IN_FLIGHT} in flight`, 'ours', PG_CONCURRENT, () => inFlight(PG_CONCURRENT, IN_FLIGHT, () => saga.run(undefined, { sagaId: nextId() })), 'sagas/s'),
      );
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await pool.end();
    }
  } else {
    notes.push(`PostgreSQL not reachable at ${postgresUrl().replace(/:[^:@/]*@/, ':***@')}: PostgreSQL cases skipped (pnpm services:up)`);
  }

  if (process.env.IAP_BENCH_PGLITE === '1') {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create();
    const store = createPGliteSagaStore({ db });
    await store.migrate();
    const saga = threeStepSaga(store);
    await inFlight(100, 1, () => saga.run(undefined, { sagaId: nextId() }));
    results.push(await measureThroughput(GROUP, 'saga.run, PGlite store (in memory), one at a time', 'ours', 1_000, () => inFlight(1_000, 1, () => saga.run(undefined, { sagaId: nextId() })), 'sagas/s'));
    await db.close();
  }

  const floor = results.find((r) => r.role === 'floor' && r.group === GROUP)!;
  const floorNs = 1e9 / floor.opsPerSec;
  for (const r of results.filter((c) => c.role === 'ours' && c.group === GROUP)) {
    const perCheckpointNs = (1e9 / r.opsPerSec - floorNs) / CHECKPOINTS_PER_SAGA;
    const perCheckpoint = perCheckpointNs >= 10_000 ? `${(perCheckpointNs / 1_000).toFixed(0)} µs` : `${perCheckpointNs.toFixed(0)} ns`;
    notes.push(`${r.name}: ${(r.opsPerSec / floor.opsPerSec).toFixed(4)}x floor, ${perCheckpoint} per checkpoint (${CHECKPOINTS_PER_SAGA} per saga)`);
  }
  reportResults('@iap/resilience/saga', results, notes);
  console.log(`\n${notes.join('\n')}`);
}

await main();
