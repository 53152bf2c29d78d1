/**
 * A dedicated PostgreSQL schema per test run, so saga tests never collide with other tests on the
 * same database; dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A pool and a fresh schema name. */
export interface TestSchema {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Drops the schema (cascade) and ends the pool. */
  readonly drop: () => Promise<void>;
}

/** Creates a pool and names a fresh schema `iap_saga_test_<random>` (created by the store's migrate()). */
export function createTestSchema(url: string, max = 10): TestSchema {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined); // idle clients killed by the server must not crash the test run
  const schema = `iap_saga_test_${randomBytes(6).toString('hex')}`;
  return {
    pool,
    schema,
    drop: async () => {
      try {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}
