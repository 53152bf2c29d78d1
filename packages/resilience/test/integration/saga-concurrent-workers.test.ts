/**
 * Two workers (separate connection pools, as two processes would have) on one PostgreSQL database:
 * resuming at the same time they never drive one saga concurrently, and starting the same saga id
 * at the same time executes it once.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createSaga, type SagaStore } from '../../src/index.js';
import { createPostgresSagaStore } from '../../src/postgres.js';
import { createTestSchema } from './saga-test-database.js';

const service = await requirePostgres();

describe.skipIf(!service.available)('saga workers on one PostgreSQL database', () => {
  const db = createTestSchema(service.url);
  const otherPool = new pg.Pool({ connectionString: service.url, max: 10 });
  otherPool.on('error', () => undefined);
  afterAll(async () => {
    await otherPool.end();
    await db.drop();
  });

  function defineWorker(store: SagaStore, workerId: string, sagaName: string, track: { active: Set<string>; overlaps: string[]; executions: string[] }) {
    const step = (name: string) => ({
      name,
      action: async ({ sagaId }: { sagaId: string }) => {
        if (track.active.has(sagaId)) track.overlaps.push(`${sagaId}:${name} by ${workerId}`);
        track.active.add(sagaId);
        await store.list({ limit: 1 }); // real database round trips inside the step
        await store.get(sagaId);
        track.active.delete(sagaId);
        track.executions.push(`${sagaId}:${name}`);
        return workerId;
      },
    });
    return createSaga(sagaName, { store, workerId, leaseMs: 30_000 }).step(step('a')).step(step('b')).step(step('c'));
  }

  it('two workers resuming at once split the abandoned sagas and never run one concurrently', async () => {
    const storeA = createPostgresSagaStore({ pool: db.pool, schema: db.schema });
    const storeB = createPostgresSagaStore({ pool: otherPool, schema: db.schema });
    await storeA.migrate();
    const sagaName = 'abandoned';
    const now = Date.now();
    for (let i = 0; i < 60; i++) {
      const sagaId = `ab-${String(i).padStart(3, '0')}`;
      await storeA.create({ sagaId, sagaName, inputJson: 'null', owner: 'dead-worker', now: now - 60_000, leaseExpiresAt: now - 30_000, deadlineAt: undefined });
      if (i % 3 === 0) {
        await storeA.checkpoint(sagaId, {
          owner: 'dead-worker',
          expectedVersion: 1,
          now: now - 59_000,
          entries: [{ seq: 1, kind: 'step_completed', step: 'a', resultJson: '"dead-worker"', errorJson: undefined, attempts: 1, note: undefined }],
          leaseExpiresAt: now - 29_000,
        });
      }
    }
    const track = { active: new Set<string>(), overlaps: [] as string[], executions: [] as string[] };
    const [byA, byB] = await Promise.all([
      defineWorker(storeA, 'worker-a', sagaName, track).resume({ concurrency: 6 }),
      defineWorker(storeB, 'worker-b', sagaName, track).resume({ concurrency: 6 }),
    ]);
    expect(track.overlaps).toEqual([]);
    expect(byA.length + byB.length).toBe(60);
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect(new Set(track.executions).size).toBe(track.executions.length);
    expect(track.executions).toHaveLength(60 * 3 - 20);
    const stored = await storeA.list({ sagaName, status: 'completed', limit: 1_000 });
    expect(stored).toHaveLength(60);
    for (const result of [...byA, ...byB]) {
      const index = Number(result.sagaId.slice(3));
      expect(result.results.a).toBe(index % 3 === 0 ? 'dead-worker' : result.results.b);
    }
  });

  it('starting the same saga id from two workers at once executes it once and both get its result', async () => {
    const storeA = createPostgresSagaStore({ pool: db.pool, schema: db.schema });
    const storeB = createPostgresSagaStore({ pool: otherPool, schema: db.schema });
    const track = { active: new Set<string>(), overlaps: [] as string[], executions: [] as string[] };
    const workerA = defineWorker(storeA, 'worker-a', 'started-twice', track);
    const workerB = defineWorker(storeB, 'worker-b', 'started-twice', track);
    const ids = Array.from({ length: 20 }, (_, i) => `twice-${i}`);
    const results = await Promise.all(ids.flatMap((sagaId) => [workerA.run(null, { sagaId }), workerB.run(null, { sagaId })]));
    expect(track.overlaps).toEqual([]);
    expect(track.executions).toHaveLength(20 * 3);
    for (let i = 0; i < ids.length; i++) {
      const [fromA, fromB] = [results[2 * i]!, results[2 * i + 1]!];
      expect(fromA.status).toBe('completed');
      expect(fromB.results).toEqual(fromA.results);
    }
  });
});
