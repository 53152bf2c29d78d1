/**
 * Child process of the saga crash test (run with `node --import tsx`). Starts (or re-starts, by the
 * same ids) SAGA_COUNT order sagas against PostgreSQL and drives them to the end; the parent kills
 * it with SIGKILL at seeded points. Every step writes its effect in the same transaction as a row
 * keyed by the step's idempotency key, so a re-executed step is detected (and not applied again).
 *
 * Environment: DATABASE_URL, SAGA_SCHEMA, SAGA_COUNT, WORKER_ID, LEASE_MS, CONCURRENCY.
 */
import pg from 'pg';
import { createSaga } from '../../../src/index.js';
import { createPostgresSagaStore } from '../../../src/postgres.js';
import { crashSagaInput, type CrashSagaInput } from './crash-saga-plan.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = process.env.SAGA_SCHEMA ?? '';
const count = Number(process.env.SAGA_COUNT ?? 200);
const workerId = process.env.WORKER_ID ?? `worker-${process.pid}`;
const leaseMs = Number(process.env.LEASE_MS ?? 1_500);
const concurrency = Number(process.env.CONCURRENCY ?? 16);

const pool = new pg.Pool({ connectionString: url, max: concurrency + 4 });
pool.on('error', () => undefined);
const store = createPostgresSagaStore({ pool, schema });
const t = (name: string): string => `"${schema}"."${name}"`;

interface Effect {
  key: string;
  amount: number;
}

/** Applies `amount` once per idempotency key: effect row + balance change in one transaction. */
async function applyOnce(table: 'effects' | 'undos', key: string, sagaId: string, step: string, amount: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(`INSERT INTO ${t(table)} (idempotency_key, saga_id, step, amount, worker) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`, [
      key,
      sagaId,
      step,
      amount,
      workerId,
    ]);
    if (inserted.rowCount === 1) await client.query(`UPDATE ${t('balances')} SET balance = balance + $2 WHERE saga_id = $1`, [sagaId, table === 'effects' ? amount : -amount]);
    else await client.query(`INSERT INTO ${t('replays')} (idempotency_key, kind, worker) VALUES ($1, $2, $3)`, [key, table, workerId]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const shipAttempts = new Map<string, number>();

function effectStep(name: string, amountOf: (input: CrashSagaInput) => number, options: { failsFor?: (input: CrashSagaInput) => boolean } = {}) {
  return {
    name,
    action: async ({ input, idempotencyKey, sagaId }: { input: CrashSagaInput; idempotencyKey: string; sagaId: string }): Promise<Effect> => {
      if (options.failsFor?.(input) === true) throw new Error(`${name} declined for ${sagaId}`);
      const amount = amountOf(input);
      await applyOnce('effects', idempotencyKey, sagaId, name, amount);
      return { key: idempotencyKey, amount };
    },
    compensate: async ({ result, sagaId }: { result: Effect; sagaId: string }): Promise<void> => {
      await applyOnce('undos', result.key, sagaId, name, result.amount);
    },
  };
}

const saga = createSaga<CrashSagaInput>('crash-order', {
  store,
  workerId,
  leaseMs,
  pollIntervalMs: 200,
  retry: { maxAttempts: 4, backoff: { kind: 'constant', delayMs: 20 }, jitter: 'none' },
  compensationRetry: { maxAttempts: 10, backoff: { kind: 'constant', delayMs: 20 }, jitter: 'none' },
})
  .step(effectStep('reserve', (i) => i.amount))
  .parallel((group) =>
    group.step(effectStep('charge', (i) => i.amount * 10, { failsFor: (i) => i.declined })).step(effectStep('loyalty', (i) => i.amount * 100)),
  )
  .pivot()
  .step({
    name: 'ship',
    action: async ({ input, idempotencyKey, sagaId }) => {
      // a flaky courier: the first attempt in each process fails for some orders (retried forward)
      const n = (shipAttempts.get(sagaId) ?? 0) + 1;
      shipAttempts.set(sagaId, n);
      if (input.flakyShipping && n === 1) throw new Error('courier timeout');
      await applyOnce('effects', idempotencyKey, sagaId, 'ship', input.amount * 1000);
      return { key: idempotencyKey, amount: input.amount * 1000 };
    },
  });

async function main(): Promise<void> {
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await saga.run(crashSagaInput(index), { sagaId: `crash-${index}` });
      done++;
      if (done % 20 === 0) process.stdout.write(`progress ${done}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  await saga.resume({ concurrency });
  process.stdout.write('ALL_DONE\n');
  await pool.end();
}

main().catch((error: unknown) => {
  process.stderr.write(`crash worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
