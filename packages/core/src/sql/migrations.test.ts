import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../error-codes.js';
import { runMigrations, type RunMigrationsOptions } from './migrations.js';
import type { SqlDatabase, SqlQueryResult } from './sql-database.js';
import { SqlTransactionHandle } from './sql-transaction-handle.js';

/** A database that records every statement and answers the runner's reads from `recorded` versions. */
function recordingDatabase(recorded: number[], failOn?: RegExp): SqlDatabase & { statements: string[] } {
  const statements: string[] = [];
  const run = (sql: string): Promise<SqlQueryResult> => {
    statements.push(sql);
    if (failOn?.test(sql)) return Promise.reject(Object.assign(new Error('permission denied for schema app'), { code: '42501' }));
    if (sql.startsWith('SELECT version')) return Promise.resolve({ rows: recorded.map((version) => ({ version: String(version) })) });
    if (sql.startsWith('SELECT 1 FROM pg_namespace')) return Promise.resolve({ rows: [] });
    return Promise.resolve({ rows: [] });
  };
  return {
    statements,
    query: run,
    async transaction(fn) {
      const tx = new SqlTransactionHandle(run);
      const value = await fn(tx);
      tx.finish(true, () => undefined);
      return value;
    },
    close: () => Promise.resolve(),
  };
}

const options = (overrides: Partial<RunMigrationsOptions> = {}): RunMigrationsOptions => ({
  component: 'the test tables',
  packageName: '@iap/test',
  schema: 'app',
  migrationsTable: 'test_migrations',
  lockKey: -17,
  migrations: [
    { version: 1, name: 'one', sql: 'CREATE TABLE one (id int)' },
    { version: 2, name: 'two', sql: ['CREATE TABLE two (id int)', 'CREATE INDEX two_idx ON two (id)'] },
    { version: 3, name: 'three', up: (tx) => tx.query('CREATE TABLE three (id int)').then(() => undefined) },
  ],
  ...overrides,
});

describe('runMigrations', () => {
  it('takes the lock first, creates the schema and table, and applies only the versions not recorded', async () => {
    const db = recordingDatabase([1]);
    await expect(runMigrations(db, options())).resolves.toEqual({ applied: [2, 3], version: 3 });
    expect(db.statements[0]).toBe('SELECT pg_advisory_xact_lock($1::bigint)');
    expect(db.statements).toContain('CREATE SCHEMA IF NOT EXISTS "app"');
    expect(db.statements).not.toContain('CREATE TABLE one (id int)');
    expect(db.statements).toEqual(expect.arrayContaining(['CREATE TABLE two (id int)', 'CREATE INDEX two_idx ON two (id)', 'CREATE TABLE three (id int)']));
    expect(db.statements.filter((s) => s.startsWith('INSERT INTO "app"."test_migrations"'))).toHaveLength(2);
  });

  it('refuses a schema newer than the migrations it is given, naming the package to upgrade', async () => {
    const error = await runMigrations(recordingDatabase([1, 2, 3, 4]), options({ details: { schema: 'app' } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.MIGRATION_FAILED, details: { schema: 'app', version: 4, latest: 3 } });
    expect((error as Error).message).toBe("the test tables are at schema version 4, newer than this package's 3: upgrade @iap/test");
  });

  it('wraps a failing statement as MIGRATION_FAILED with its SQLSTATE', async () => {
    const error = await runMigrations(recordingDatabase([], /^CREATE TABLE two/), options({ details: { schema: 'app' } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.MIGRATION_FAILED, details: { schema: 'app' } });
    expect((error as Error).message).toContain('SQLSTATE 42501');
    expect((error as Error).message).toContain('nothing was applied');
  });

  it('rejects bad options before touching the database', async () => {
    const db = recordingDatabase([]);
    await expect(runMigrations(db, options({ migrations: [{ version: 2, name: 'x', sql: 'x' }, { version: 1, name: 'y', sql: 'y' }] }))).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
    await expect(runMigrations(db, options({ migrations: [{ version: 1, name: 'x' }] }))).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
    await expect(runMigrations(db, options({ schema: '' }))).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
    await expect(runMigrations(db, options({ lockKey: 0.5 }))).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
    expect(db.statements).toEqual([]);
  });
});

describe('SqlTransactionHandle', () => {
  it('runs after-commit callbacks only after a commit, reports their errors, and refuses use once finished', async () => {
    const calls: string[] = [];
    const committed = new SqlTransactionHandle(() => Promise.resolve({ rows: [] }));
    committed.afterCommit(() => calls.push('a'));
    committed.afterCommit(() => {
      throw new Error('callback failed');
    });
    const errors: unknown[] = [];
    committed.finish(true, (error) => errors.push(error));
    expect(calls).toEqual(['a']);
    expect(errors).toHaveLength(1);
    await expect(committed.query('SELECT 1')).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    expect(() => committed.afterCommit(() => undefined)).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));

    const rolledBack = new SqlTransactionHandle(() => Promise.resolve({ rows: [] }));
    rolledBack.afterCommit(() => calls.push('b'));
    rolledBack.finish(false, () => undefined);
    expect(calls).toEqual(['a']);
  });
});
