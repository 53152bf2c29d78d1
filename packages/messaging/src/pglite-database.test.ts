import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, flushMicrotasks } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase, type PgliteDatabase } from './pglite-database.js';

// one data directory for the whole file: PGlite's initdb is the slow part, reopening is quick
const root = mkdtempSync(join(tmpdir(), 'iap-pglite-'));
const dataDir = join(root, 'data');
let db: PgliteDatabase;

beforeAll(async () => {
  db = await createPgliteDatabase({ dataDir });
  await db.query('CREATE TABLE t (x int)');
}, 120_000);

afterAll(async () => {
  await db.close();
  rmSync(root, { recursive: true, force: true });
});

describe('PGlite gateway', () => {
  it('makes a plain query wait for another caller’s open transaction, never joining it', async () => {
    await db.query('DELETE FROM t');
    let release!: () => void;
    const latch = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const transaction = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      inside();
      await latch;
      throw new Error('roll this back');
    });
    await entered;
    let plainDone = false;
    const plain = db.query('INSERT INTO t VALUES (2)').then(() => {
      plainDone = true;
    });
    const count = db.query('SELECT count(*)::int AS n, max(x) AS x FROM t');
    for (let i = 0; i < 5; i++) await flushMicrotasks();
    expect(plainDone).toBe(false);
    release();
    await expect(transaction).rejects.toThrow('roll this back');
    await plain;
    // had the plain insert joined the transaction, the rollback would have removed it
    expect((await count).rows).toEqual([{ n: 1, x: 2 }]);
  });

  it('fails fast instead of deadlocking when the gateway is used from inside its own transaction', async () => {
    const error = await db.transaction(() => db.query('SELECT 1')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.STORE_FAILED });
    expect((error as Error).message).toContain('use the tx');
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('runs after-commit callbacks only after a commit, and refuses a finished tx', async () => {
    const calls: string[] = [];
    let leaked: { query(sql: string): Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      tx.afterCommit(() => calls.push('committed'));
      leaked = tx;
      await tx.query('INSERT INTO t VALUES (3)');
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['committed']);
    await expect(
      db.transaction((tx) => {
        tx.afterCommit(() => calls.push('rolled back'));
        return Promise.reject(new Error('no'));
      }),
    ).rejects.toThrow('no');
    expect(calls).toEqual(['committed']);
    await expect(leaked!.query('SELECT 1')).rejects.toMatchObject({ code: ErrorCode.CLOSED });
  });

  it('delivers NOTIFY to listeners until they unsubscribe', async () => {
    let notified = 0;
    const off = await db.listen!('gateway_test', () => notified++);
    await db.query(`NOTIFY gateway_test`);
    await db.query('SELECT 1');
    expect(notified).toBeGreaterThanOrEqual(1);
    await off();
    const before = notified;
    await db.query(`NOTIFY gateway_test`);
    await db.query('SELECT 1');
    expect(notified).toBe(before);
  });

  it('rejects conflicting options', async () => {
    await expect(createPgliteDatabase({ dataDir: '' })).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
    await expect(createPgliteDatabase({ dataDir: '/tmp/x', pglite: db.pglite })).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
  });
});

describe('PGlite data directory lock', () => {
  it('refuses a second gateway on the same directory, keeps data across reopen', async () => {
    await expect(createPgliteDatabase({ dataDir })).rejects.toMatchObject({ code: ErrorCode.STORE_LOCKED });
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    db = await createPgliteDatabase({ dataDir });
    expect((await db.query(`SELECT to_regclass('t') IS NOT NULL AS kept`)).rows).toEqual([{ kept: true }]);
  }, 120_000);

  it('refuses a directory another live process holds, and takes it over once that process is killed', async () => {
    await db.close();
    const fixture = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'hold-pglite.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
    });
    const error = await createPgliteDatabase({ dataDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.STORE_LOCKED, details: { pid: child.pid } });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    db = await createPgliteDatabase({ dataDir });
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 120_000);
});
