/**
 * The saga store under database faults, on a private PostgreSQL cluster behind a fault proxy: two
 * workers (two pools, as two processes would have) drive sagas while every backend is terminated,
 * every connection is cut and PostgreSQL restarts. Each step's service applies its effect under the
 * step's idempotency key on its own connection. Must hold: no crash, every saga completed (the
 * workers resume what a fault interrupted), no saga driven by two workers at once, every effect
 * applied once per idempotency key.
 *
 * CI size: 40 sagas. IAP_SOAK=1: 400 sagas, faults repeated three times.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../../scripts/testing/fault-proxy.js';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../../../../scripts/testing/private-postgres.js';
import { createSaga } from '../../src/index.js';
import { createPostgresSagaStore } from '../../src/postgres.js';

const soak = process.env.IAP_SOAK === '1';
const SAGAS = soak ? 400 : 40;
const ROUNDS = soak ? 3 : 1;
const available = postgresBinDir() !== undefined;
if (!available) {
  if (process.env.IAP_REQUIRE_SERVICES === '1') throw new Error('[iap] saga fault test needs PostgreSQL server binaries (initdb) and IAP_REQUIRE_SERVICES=1');
  console.warn('\n!!! SKIPPING the saga fault test: no PostgreSQL server binaries (initdb)\n');
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!available)(`saga store under database faults (${SAGAS} sagas, ${ROUNDS * 3} faults)`, () => {
  let cluster: PrivatePostgres;
  let proxy: FaultProxy;
  let direct: pg.Pool;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: cluster.port } });
    direct = new pg.Pool({ connectionString: cluster.url, max: 4 });
    direct.on('error', () => undefined);
    await direct.query('CREATE TABLE effects (idempotency_key text PRIMARY KEY)');
    await direct.query('CREATE TABLE executions (seq bigserial PRIMARY KEY, idempotency_key text NOT NULL, worker text NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    for (const pool of pools) await pool.end().catch(() => undefined);
    await direct?.end().catch(() => undefined);
    await proxy?.close();
    await cluster?.destroy();
  }, 60_000);

  it('workers resume every interrupted saga; no saga runs on two workers at once; each effect applies once', { timeout: soak ? 900_000 : 120_000 }, async () => {
    const active = new Map<string, string>();
    const overlaps: string[] = [];
    const workers = ['worker-a', 'worker-b'].map((workerId) => {
      // no 'error' listener of our own: the store must keep an idle client's error from ending the process
      const pool = new pg.Pool({ connectionString: `postgres://postgres@${proxy.address}/postgres`, max: 6, connectionTimeoutMillis: 3_000 });
      pools.push(pool);
      const store = createPostgresSagaStore({ pool, schema: 'sagas' });
      const step = (name: string) => ({
        name,
        retry: { maxAttempts: 50, backoff: { kind: 'constant' as const, delayMs: 50 } },
        action: async ({ sagaId, idempotencyKey }: { sagaId: string; idempotencyKey: string }) => {
          const holder = active.get(sagaId);
          if (holder !== undefined && holder !== workerId) overlaps.push(`${idempotencyKey} on ${workerId} while ${holder}`);
          active.set(sagaId, workerId);
          try {
            await store.get(sagaId); // round trips through the faulty path inside the step
            await pool.query('SELECT pg_sleep(0.1)');
            await direct.query('INSERT INTO executions (idempotency_key, worker) VALUES ($1, $2)', [idempotencyKey, workerId]);
            await direct.query('INSERT INTO effects (idempotency_key) VALUES ($1) ON CONFLICT DO NOTHING', [idempotencyKey]);
            return workerId;
          } finally {
            if (active.get(sagaId) === workerId) active.delete(sagaId);
          }
        },
      });
      const saga = createSaga<{ n: number }>('fault-order', { store, workerId, leaseMs: 2_000 }).step(step('reserve')).step(step('charge')).step(step('ship'));
      return { store, saga };
    });
    await workers[0]!.store.migrate();

    const completed = async (): Promise<number> => Number((await direct.query("SELECT count(*) AS n FROM sagas.iap_saga_runs WHERE status = 'completed'")).rows[0].n);
    let settled = 0;
    const runs = Array.from({ length: SAGAS }, (_, i) => workers[i % 2]!.saga.run({ n: i }, { sagaId: `order-${i}` }).catch((error: unknown) => error).finally(() => settled++));

    const faults: Array<() => Promise<unknown>> = [
      () => direct.query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"),
      () => proxy.cutAll(),
      () => cluster.restart(),
    ];
    let applied = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const fault of faults) {
        const target = Math.min(SAGAS, Math.floor(((applied + 1) / (faults.length * ROUNDS + 1)) * SAGAS));
        await waitFor(async () => (await completed().catch(() => 0)) >= target, `${target} sagas completed`, 60_000);
        await fault().catch(() => undefined);
        applied++;
      }
    }
    const outcomes = await Promise.all(runs);
    const interrupted = outcomes.filter((o) => o instanceof Error || (o as { status?: string }).status !== 'completed').length;
    // what a fault interrupted, the workers resume (as they would on their periodic resume())
    await waitFor(
      async () => {
        for (const { saga } of workers) await saga.resume({ concurrency: 4 }).catch(() => undefined);
        return (await completed()) === SAGAS;
      },
      'every saga to complete',
      60_000,
    );
    expect(overlaps).toEqual([]);
    expect(Number((await direct.query('SELECT count(*) AS n FROM effects')).rows[0].n)).toBe(SAGAS * 3);
    const statuses = (await direct.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM sagas.iap_saga_runs GROUP BY status')).rows;
    expect(statuses).toEqual([{ status: 'completed', n: String(SAGAS) }]);
    const executions = Number((await direct.query('SELECT count(*) AS n FROM executions')).rows[0].n);
    expect(settled).toBe(SAGAS);
    console.log(`[saga faults] ${SAGAS} sagas completed after ${applied} faults (${interrupted} runs interrupted and resumed); ${executions - SAGAS * 3} step actions re-ran under their idempotency key`);
  });
});
