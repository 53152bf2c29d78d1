/**
 * A database migrated by the runner of @iap/messaging 0.1.0 (its own, before core's runMigrations)
 * is accepted as it is: same migrations table, same versions, nothing applied again.
 */
import { createEnvelope } from '@iap/core';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createOutbox, migrate } from '../../src/index.js';
import { MIGRATIONS } from '../../src/internal/migration-sql.js';
import { resolveTableNames } from '../../src/internal/table-names.js';
import { createPostgresDatabase } from '../../src/postgres.js';
import { dropSchema, randomSchema } from '../support/databases.js';

const service = await requirePostgres();

describe.skipIf(!service.available)('migrate on a database of the 0.1.0 runner', () => {
  const db = createPostgresDatabase({ connectionString: service.url, maxConnections: 4 });
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(db, schema);
    await db.close();
  });

  /** The state the 0.1.0 runner left after applying `upTo`: its statements, word for word, and its migrations table. */
  async function migrateLikeVersion010(schema: string, upTo: number): Promise<void> {
    const names = resolveTableNames({ schema });
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [names.lockNamespace]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${names.quotedSchema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${names.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const migration of MIGRATIONS.filter((m) => m.version <= upTo)) {
        for (const statement of migration.statements(names)) await tx.query(statement);
        await tx.query(`INSERT INTO ${names.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      }
    });
  }

  it('applies nothing to a current database and keeps its rows', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    await migrateLikeVersion010(schema, 3);
    const outbox = createOutbox({ schema });
    await db.transaction((tx) => outbox.enqueue(tx, { destination: 'orders', envelope: createEnvelope({ type: 'order.placed', source: '/upgrade-test', data: { n: 1 } }) }));
    const before = await db.query(`SELECT version, name, applied_at FROM "${schema}".iap_migrations ORDER BY version`);
    await expect(migrate(db, { schema })).resolves.toEqual({ applied: [], version: 3 });
    const after = await db.query(`SELECT version, name, applied_at FROM "${schema}".iap_migrations ORDER BY version`);
    expect(after.rows).toEqual(before.rows);
    expect((await outbox.stats(db)).pending).toBe(1);
  });

  it('upgrades an older database from the version it recorded', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    await migrateLikeVersion010(schema, 2);
    await expect(migrate(db, { schema })).resolves.toEqual({ applied: [3], version: 3 });
    const { rows } = await db.query(`SELECT version FROM "${schema}".iap_migrations ORDER BY version`);
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });
});
