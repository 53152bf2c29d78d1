import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../src/postgres.js';
import { requirePostgres } from '../../../../scripts/testing/services.js';

const pg = await requirePostgres();

/** The prepared statements of the (single) pooled connection. */
async function preparedOnConnection(db: ReturnType<typeof createPostgresDatabase>): Promise<string[]> {
  const { rows } = await db.query('SELECT name FROM pg_prepared_statements ORDER BY name');
  return (rows as Array<{ name: string }>).map((row) => row.name);
}

describe.skipIf(!pg.available)('queryPrepared on PostgreSQL', () => {
  it('prepares a repeated statement once per connection and reuses it', async () => {
    const db = createPostgresDatabase({ connectionString: pg.url, maxConnections: 1 });
    try {
      const sql = 'SELECT $1::int + 1 AS n /* prepared-statements test */';
      for (let i = 0; i < 3; i++) expect((await db.queryPrepared!(sql, [i])).rows).toEqual([{ n: i + 1 }]);
      const names = await preparedOnConnection(db);
      expect(names.filter((name) => name.startsWith('iap_messaging_'))).toHaveLength(1);
      // a second text gets a name of its own; the first keeps its name
      await db.queryPrepared!('SELECT $1::int * 2 AS n /* prepared-statements test */', [4]);
      expect((await preparedOnConnection(db)).filter((name) => name.startsWith('iap_messaging_'))).toHaveLength(2);
    } finally {
      await db.close();
    }
  });

  it('runs the same statements unprepared with preparedStatements: false (poolers without prepared statements)', async () => {
    const db = createPostgresDatabase({ connectionString: pg.url, maxConnections: 1, preparedStatements: false });
    try {
      expect((await db.queryPrepared!('SELECT $1::int + 1 AS n', [41])).rows).toEqual([{ n: 42 }]);
      expect(await preparedOnConnection(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
