/**
 * Opens the example's database: PostgreSQL when DATABASE_URL is set (a fresh schema per run,
 * dropped by `close()`), otherwise PGlite in memory. Everything else in the example is the same.
 */
import { randomUUID } from 'node:crypto';
import type { MessagingDatabase } from '@iap/messaging';
import { createPgliteDatabase } from '@iap/messaging/pglite';
import { createPostgresDatabase } from '@iap/messaging/postgres';

export interface ExampleDatabase {
  readonly db: MessagingDatabase;
  readonly schema: string;
  readonly description: string;
  /** Drops the run's schema (PostgreSQL) and closes the connections. */
  close(): Promise<void>;
}

export async function openExampleDatabase(): Promise<ExampleDatabase> {
  const schema = `iap_example_outbox_${randomUUID().slice(0, 8)}`;
  const url = process.env.DATABASE_URL;
  if (url) {
    const db = createPostgresDatabase({ connectionString: url, maxConnections: 4 });
    return {
      db,
      schema,
      description: `PostgreSQL (DATABASE_URL), schema ${schema}`,
      async close() {
        try {
          await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await db.close();
        }
      },
    };
  }
  const db = await createPgliteDatabase();
  return { db, schema, description: `PGlite (embedded PostgreSQL, in memory), schema ${schema}`, close: () => db.close() };
}
