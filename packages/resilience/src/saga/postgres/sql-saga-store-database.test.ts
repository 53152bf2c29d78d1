import { PGlite } from '@electric-sql/pglite';
import { ErrorCode, SqlTransactionHandle, type SqlDatabase } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlSagaStore } from './create-sql-saga-store.js';
import { createPGliteSagaStore } from './pglite-saga-store.js';
import { createPostgresSagaStore } from './postgres-saga-store.js';
import { SAGA_MIGRATIONS, SAGA_SCHEMA_VERSION } from './saga-migrations.js';
import { sagaTables } from './saga-tables.js';

let pglite: PGlite;

/** A core SqlDatabase of the test's own on PGlite that records what it is asked to run. */
function recordingDatabase(statements: string[]): SqlDatabase {
  return {
    query: (sql, params) => {
      statements.push(sql);
      return pglite.query(sql, params);
    },
    async transaction(fn) {
      let tx: SqlTransactionHandle | undefined;
      const value = await pglite.transaction((ptx) =>
        fn(
          (tx = new SqlTransactionHandle((sql, params) => {
            statements.push(sql);
            return ptx.query(sql, params);
          })),
        ),
      );
      tx?.finish(true, () => undefined);
      return value;
    },
    close: () => Promise.resolve(),
  };
}

const run = { sagaName: 'orders', inputJson: '{"order":1}', owner: 'w-1', now: 1_000, leaseExpiresAt: 2_000, deadlineAt: undefined };

beforeAll(async () => {
  pglite = await PGlite.create();
}, 120_000); // PGlite boots its WebAssembly PostgreSQL: seconds on a busy machine
afterAll(() => pglite?.close());

describe('SQL saga store on a core SqlDatabase', () => {
  it('runs every statement, migrations included, on the database it is given', async () => {
    const statements: string[] = [];
    const store = createSqlSagaStore({ database: recordingDatabase(statements), schema: 'on_database' });
    expect(await store.migrate()).toEqual({ applied: [1], version: SAGA_SCHEMA_VERSION });
    await store.create({ sagaId: 's-1', ...run });
    expect((await store.get('s-1'))?.status).toBe('running');
    expect(statements.some((s) => s.includes('pg_advisory_xact_lock'))).toBe(true);
    expect(statements.some((s) => s.includes('"on_database"."iap_saga_runs"'))).toBe(true);
    // the other factories take the same database
    const second = createPGliteSagaStore({ database: recordingDatabase(statements), schema: 'on_database' });
    expect((await second.get('s-1'))?.sagaName).toBe('orders');
    const third = createPostgresSagaStore({ database: recordingDatabase(statements), schema: 'on_database' });
    expect(await third.migrate()).toEqual({ applied: [], version: SAGA_SCHEMA_VERSION });
  });

  it('accepts the tables the 0.1.0 migration runner created, applying nothing again', async () => {
    const tables = sagaTables('test', 'legacy', 'iap_');
    // the state the 0.1.0 runner left: its own statements, word for word, then a run written by that release
    await pglite.transaction(async (tx) => {
      await tx.query(`CREATE SCHEMA ${tables.quotedSchema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${tables.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const migration of SAGA_MIGRATIONS) {
        for (const statement of migration.statements(tables)) await tx.query(statement);
        await tx.query(`INSERT INTO ${tables.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      }
    });
    const before = await pglite.query(`SELECT version, name, applied_at FROM ${tables.migrations}`);
    await createPGliteSagaStore({ db: pglite, schema: 'legacy' }).create({ sagaId: 'old-1', ...run });
    const store = createSqlSagaStore({ database: recordingDatabase([]), schema: 'legacy' });
    expect(await store.migrate()).toEqual({ applied: [], version: SAGA_SCHEMA_VERSION });
    expect((await pglite.query(`SELECT version, name, applied_at FROM ${tables.migrations}`)).rows).toEqual(before.rows);
    expect((await store.get('old-1'))?.inputJson).toBe('{"order":1}');
  });

  it('rejects a missing, doubled or wrong database with INVALID_OPTIONS', () => {
    const database = recordingDatabase([]);
    const attempts: Array<() => unknown> = [
      () => createSqlSagaStore({ database: {} as SqlDatabase }),
      () => createSqlSagaStore(null as never),
      () => createPostgresSagaStore({}),
      () => createPostgresSagaStore({ database, pool: { query: (sql: string) => database.query(sql), connect: () => Promise.reject(new Error('unused')) } }),
      () => createPostgresSagaStore({ database: { query: (sql: string) => database.query(sql) } as SqlDatabase }),
      () => createPGliteSagaStore({ database, db: pglite }),
      () => createPGliteSagaStore({}),
      () => createSqlSagaStore({ database, schema: 'Bad-Schema' }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });
});
