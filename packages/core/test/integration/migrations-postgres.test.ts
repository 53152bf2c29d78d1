import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { ErrorCode, runMigrations, SqlTransactionHandle, type RunMigrationsOptions, type SqlDatabase } from '../../src/index.js';

const service = await requirePostgres();

/** A minimal SqlDatabase on a pool, enough for the runner (transactions on one client). */
function poolDatabase(pool: pg.Pool): SqlDatabase {
  return {
    query: (sql, params) => pool.query(sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      const tx = new SqlTransactionHandle((sql, params) => client.query(sql, params));
      try {
        await client.query('BEGIN');
        const value = await fn(tx);
        await client.query('COMMIT');
        tx.finish(true, () => undefined);
        return value;
      } catch (error) {
        tx.finish(false, () => undefined);
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => Promise.resolve(),
  };
}

describe.skipIf(!service.available)('runMigrations on PostgreSQL', () => {
  const pool = new pg.Pool({ connectionString: service.url, max: 6 });
  const db = poolDatabase(pool);
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const options = (schema: string, extra: RunMigrationsOptions['migrations'] = []): RunMigrationsOptions => ({
    component: `the test tables in schema "${schema}"`,
    packageName: '@iap/test',
    schema,
    migrationsTable: 'test_migrations',
    lockKey: 917_001,
    migrations: [{ version: 1, name: 'items', sql: `CREATE TABLE "${schema}".items (id int PRIMARY KEY)` }, ...extra],
  });
  const freshSchema = (): string => {
    const schema = `iap_core_migrate_${process.pid}_${schemas.length}`;
    schemas.push(schema);
    return schema;
  };

  it('applies each migration once when many processes run it at the same time', async () => {
    const schema = freshSchema();
    const results = await Promise.all(Array.from({ length: 5 }, () => runMigrations(db, options(schema))));
    expect(results.flatMap((r) => r.applied)).toEqual([1]);
    expect(results.every((r) => r.version === 1)).toBe(true);
    const { rows } = await pool.query(`SELECT version, name FROM "${schema}".test_migrations`);
    expect(rows).toEqual([{ version: 1, name: 'items' }]);
  });

  it('rolls a failing upgrade back entirely and applies it later', async () => {
    const schema = freshSchema();
    await runMigrations(db, options(schema));
    const failing = options(schema, [
      { version: 2, name: 'column', sql: `ALTER TABLE "${schema}".items ADD COLUMN label text` },
      { version: 3, name: 'broken', sql: 'SELECT * FROM no_such_table' },
    ]);
    await expect(runMigrations(db, failing)).rejects.toMatchObject({ code: ErrorCode.MIGRATION_FAILED, message: expect.stringContaining('SQLSTATE 42P01') });
    const columns = await pool.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'items'`, [schema]);
    expect(columns.rows.map((r: { column_name: string }) => r.column_name)).toEqual(['id']);
    const fixed = options(schema, [
      { version: 2, name: 'column', sql: `ALTER TABLE "${schema}".items ADD COLUMN label text` },
      { version: 3, name: 'fixed', up: async (tx) => void (await tx.query(`CREATE INDEX ON "${schema}".items (label)`)) },
    ]);
    await expect(runMigrations(db, fixed)).resolves.toEqual({ applied: [2, 3], version: 3 });
    await expect(runMigrations(db, options(schema))).rejects.toMatchObject({ code: ErrorCode.MIGRATION_FAILED, details: { version: 3, latest: 1 } });
  });
});
