import { randomBytes } from 'node:crypto';
import type { MessagingDatabase } from '../../src/index.js';

/** A unique schema for one test, so parallel runs on the shared PostgreSQL never collide. */
export function randomSchema(): string {
  return `iap_msg_test_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema (ignores errors: the database may be closing). */
export async function dropSchema(db: MessagingDatabase, schema: string): Promise<void> {
  if (!/^iap_msg_test_[0-9a-f]+$/.test(schema)) throw new Error(`refusing to drop ${schema}`);
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
}
