import { PGlite } from '@electric-sql/pglite';
import { ErrorCode, hasErrorCode } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferred } from '../../__fixtures__/deferred.js';
import { describeSagaStoreContract } from '../__fixtures__/saga-store-contract.js';
import { createPGliteSagaStore } from './pglite-saga-store.js';
import { SAGA_SCHEMA_VERSION, sagaMigrationSql } from './saga-migrations.js';
import type { SqlSagaStore } from './sql-saga-store.js';

let db: PGlite;
let store: SqlSagaStore;

async function boot(): Promise<void> {
  db ??= await PGlite.create();
  if (store === undefined) {
    store = createPGliteSagaStore({ db, schema: 'sagas' });
    expect(await store.migrate()).toEqual({ applied: [1], version: SAGA_SCHEMA_VERSION });
  }
}

describeSagaStoreContract('PGlite', async () => {
  await boot();
  return { store, close: () => Promise.resolve() };
});

describe('PGlite saga store', () => {
  beforeAll(boot, 120_000); // PGlite boots its WebAssembly PostgreSQL: seconds on a busy machine
  afterAll(() => db?.close());

  it('migrate() is idempotent and records the version', async () => {
    expect(await store.migrate()).toEqual({ applied: [], version: SAGA_SCHEMA_VERSION });
    const { rows } = await db.query<{ version: number }>('SELECT version FROM sagas.iap_saga_migrations');
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('never runs a store statement inside a transaction of the application on the same instance', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS app_orders (id text PRIMARY KEY)');
    const inTransaction = deferred();
    const finish = deferred();
    const order: string[] = [];
    const transaction = db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO app_orders (id) VALUES ('o-1')`);
        inTransaction.resolve();
        await finish.promise;
        order.push('transaction rolled back');
        await tx.rollback();
      })
      .catch(() => undefined);
    await inTransaction.promise;
    const created = store.create({ sagaId: 'pg-tx-1', sagaName: 'app', inputJson: '{}', owner: 'w', now: 1, leaseExpiresAt: 2, deadlineAt: undefined }).then((r) => {
      order.push('store create done');
      return r;
    });
    finish.resolve();
    await Promise.all([transaction, created]);
    expect(order).toEqual(['transaction rolled back', 'store create done']);
    expect((await store.get('pg-tx-1'))?.sagaName).toBe('app'); // not rolled back with the application's transaction
  });

  it('rejects invalid options with INVALID_OPTIONS', () => {
    for (const options of [{ db: {} }, { db, schema: 'Bad-Schema' }, { db, tablePrefix: 'x;drop' }, null]) {
      expect(() => createPGliteSagaStore(options as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    }
  });

  it('ships its migrations as SQL for external migration tools, with the schema and prefix applied', () => {
    const [first] = sagaMigrationSql({ schema: 'orders', tablePrefix: 'x_' });
    expect(first?.version).toBe(1);
    expect(first?.statements.join('\n')).toContain('CREATE TABLE IF NOT EXISTS "orders"."x_saga_runs"');
    expect(first?.statements.join('\n')).toContain('"orders"."x_saga_checkpoints"');
    expect(() => sagaMigrationSql({ schema: 'a"b' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(hasErrorCode(catchError(() => sagaMigrationSql({ tablePrefix: 'UPPER' })), ErrorCode.INVALID_OPTIONS)).toBe(true);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
