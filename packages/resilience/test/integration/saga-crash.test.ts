/**
 * Crash test on real PostgreSQL: a child process runs order sagas whose steps record their effects
 * in tables keyed by the step's idempotency key; it is killed with SIGKILL at seeded points of
 * progress (measured in checkpoints written), several times, and restarted. The last worker finds
 * what the dead ones left (run() with the same ids, resume()) and finishes. Then every saga is
 * completed or fully compensated, every effect was applied once, and the log has no step twice.
 *
 * Default: 200 sagas, 3 kills (CI-sized). IAP_SOAK=1: 2,000 sagas, 10 kills.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@iap/core';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createPostgresSagaStore } from '../../src/postgres.js';
import { crashSagaInput } from './saga/crash-saga-plan.js';
import { createTestSchema } from './saga-test-database.js';

const service = await requirePostgres();
const SOAK = process.env.IAP_SOAK === '1';
const COUNT = SOAK ? 2_000 : 200;
const KILLS = SOAK ? 10 : 3;
const CONCURRENCY = 16;
const SEED = 20_251_126;
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
const workerScript = join(here, 'saga', 'crash-worker.ts');

describe.skipIf(!service.available)(`saga crash test on PostgreSQL (${COUNT} sagas, ${KILLS} SIGKILLs)`, () => {
  const db = createTestSchema(service.url);
  const children = new Set<ChildProcess>();
  const t = (name: string): string => `"${db.schema}"."${name}"`;

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await db.drop();
  });

  function spawnWorker(name: string): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
    const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
      cwd: packageDir,
      env: { ...process.env, DATABASE_URL: service.url, SAGA_SCHEMA: db.schema, SAGA_COUNT: String(COUNT), WORKER_ID: name, LEASE_MS: '1500', CONCURRENCY: String(CONCURRENCY) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      }),
    );
    return { child, output: () => output, exited };
  }

  async function checkpointCount(): Promise<number> {
    const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t('iap_saga_checkpoints')}`);
    return Number(rows[0]!.n);
  }

  /** Polls until `condition` holds or the deadline passes (a real database and processes: no fake clock). */
  async function until(condition: () => Promise<boolean>, deadlineMs: number, what: string): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('every saga ends completed or fully compensated, every effect applied once', async () => {
    const store = createPostgresSagaStore({ pool: db.pool, schema: db.schema });
    await store.migrate();
    for (const table of ['effects', 'undos']) {
      await db.pool.query(`CREATE TABLE ${t(table)} (idempotency_key text PRIMARY KEY, saga_id text NOT NULL, step text NOT NULL, amount integer NOT NULL, worker text NOT NULL)`);
    }
    await db.pool.query(`CREATE TABLE ${t('balances')} (saga_id text PRIMARY KEY, balance bigint NOT NULL)`);
    await db.pool.query(`CREATE TABLE ${t('replays')} (id serial PRIMARY KEY, idempotency_key text NOT NULL, kind text NOT NULL, worker text NOT NULL)`);
    await db.pool.query(`INSERT INTO ${t('balances')} SELECT 'crash-' || i, 0 FROM generate_series(0, $1 - 1) AS i`, [COUNT]);

    const random = seededRandom(SEED);
    const killedAt: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const worker = spawnWorker(`worker-${k}`);
      const target = (await checkpointCount()) + 20 + Math.floor(random() * ((COUNT * 4) / (KILLS + 2)));
      let finished = false;
      void worker.exited.then(() => (finished = true));
      await until(async () => finished || (await checkpointCount()) >= target, 120_000, `worker-${k} to write ${target} checkpoints`);
      expect(finished, `worker-${k} exited before its kill point: ${worker.output()}`).toBe(false);
      worker.child.kill('SIGKILL');
      expect((await worker.exited).signal).toBe('SIGKILL');
      killedAt.push(await checkpointCount());
    }

    const last = spawnWorker('worker-final');
    const exit = await Promise.race([last.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the final worker did not finish in 180 s')), 180_000).unref())]);
    expect(exit.code, last.output()).toBe(0);
    expect(last.output()).toContain('ALL_DONE');

    const { rows: runs } = await db.pool.query<{ saga_id: string; status: string; lease_owner: string | null }>(`SELECT saga_id, status, lease_owner FROM ${t('iap_saga_runs')}`);
    const effects = await grouped('effects');
    const undos = await grouped('undos');
    const { rows: balanceRows } = await db.pool.query<{ saga_id: string; balance: string }>(`SELECT saga_id, balance FROM ${t('balances')}`);
    const balances = new Map(balanceRows.map((r) => [r.saga_id, Number(r.balance)]));
    expect(runs).toHaveLength(COUNT);
    const byId = new Map(runs.map((r) => [r.saga_id, r]));
    for (let index = 0; index < COUNT; index++) {
      const id = `crash-${index}`;
      const input = crashSagaInput(index);
      const run = byId.get(id)!;
      expect(run.lease_owner, id).toBeNull();
      if (input.declined) {
        expect(run.status, id).toBe('compensated');
        expect(effects.get(id), id).toEqual(['loyalty', 'reserve']);
        expect(undos.get(id), id).toEqual(['loyalty', 'reserve']);
        expect(balances.get(id), id).toBe(0);
      } else {
        expect(run.status, id).toBe('completed');
        expect(effects.get(id), id).toEqual(['charge', 'loyalty', 'reserve', 'ship']);
        expect(undos.get(id), id).toBeUndefined();
        expect(balances.get(id), id).toBe(input.amount * 1111);
      }
    }
    const { rows: twice } = await db.pool.query(
      `SELECT saga_id, step, kind, count(*) FROM ${t('iap_saga_checkpoints')} WHERE kind IN ('step_completed', 'step_compensated') GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
    const { rows: replayRows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t('replays')}`);
    const replays = Number(replayRows[0]!.n);
    // a step is re-executed only when its worker died between its effect and its checkpoint
    expect(replays).toBeLessThanOrEqual(KILLS * CONCURRENCY * 2);
    const { rows: workers } = await db.pool.query<{ worker: string }>(`SELECT DISTINCT worker FROM ${t('effects')}`);
    expect(workers.length).toBeGreaterThan(1);
    console.log(`[saga crash test] ${COUNT} sagas, ${KILLS} SIGKILLs after ${killedAt.join(', ')} checkpoints, ${replays} re-executed steps deduplicated by idempotency key, effects written by ${workers.length} processes`);
  }, (SOAK ? 1_800 : 300) * 1_000);

  async function grouped(table: 'effects' | 'undos'): Promise<Map<string, string[]>> {
    const { rows } = await db.pool.query<{ saga_id: string; steps: string[] }>(`SELECT saga_id, array_agg(step ORDER BY step) AS steps FROM ${t(table)} GROUP BY saga_id`);
    return new Map(rows.map((r) => [r.saga_id, r.steps]));
  }
});
