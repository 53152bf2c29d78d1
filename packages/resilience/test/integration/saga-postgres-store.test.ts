import { ErrorCode, hasErrorCode } from '@iap/core';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { describeSagaStoreContract } from '../../src/saga/__fixtures__/saga-store-contract.js';
import { createPostgresSagaStore, SAGA_SCHEMA_VERSION } from '../../src/postgres.js';
import { createTestSchema } from './saga-test-database.js';

const service = await requirePostgres();

if (service.available) {
  describeSagaStoreContract('PostgreSQL', async () => {
    const db = createTestSchema(service.url);
    const store = createPostgresSagaStore({ pool: db.pool, schema: db.schema });
    await store.migrate();
    return { store, close: db.drop };
  });
}

describe.skipIf(!service.available)('PostgreSQL saga store migrations (real database)', () => {
  const db = createTestSchema(service.url);
  afterAll(() => db.drop());

  it('migrates once even when several processes call migrate() at the same time, then is a no-op', async () => {
    const stores = Array.from({ length: 4 }, () => createPostgresSagaStore({ pool: db.pool, schema: db.schema, tablePrefix: 'm_' }));
    const results = await Promise.all(stores.map((s) => s.migrate()));
    expect(results.flatMap((r) => r.applied)).toEqual([1]);
    expect(results.every((r) => r.version === SAGA_SCHEMA_VERSION)).toBe(true);
    expect(await stores[0]!.migrate()).toEqual({ applied: [], version: SAGA_SCHEMA_VERSION });
    const { rows } = await db.pool.query(`SELECT version, name FROM "${db.schema}".m_saga_migrations ORDER BY version`);
    expect(rows).toEqual([{ version: 1, name: 'create saga runs and checkpoint log' }]);
  });

  it('refuses a schema newer than the package with MIGRATION_FAILED', async () => {
    const store = createPostgresSagaStore({ pool: db.pool, schema: db.schema, tablePrefix: 'future_' });
    await store.migrate();
    await db.pool.query(`INSERT INTO "${db.schema}".future_saga_migrations (version, name) VALUES (999, 'from a newer release')`);
    await expect(store.migrate()).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.MIGRATION_FAILED) && /version 999/.test((e as Error).message));
  });

  it('reports missing tables as STORE_FAILED with a hint to migrate', async () => {
    const store = createPostgresSagaStore({ pool: db.pool, schema: db.schema, tablePrefix: 'never_' });
    await expect(store.get('x')).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.STORE_FAILED) && /migrate\(\)/.test((e as Error).message));
  });
});
