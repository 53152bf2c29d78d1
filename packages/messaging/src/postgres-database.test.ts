import { ErrorCode } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './postgres-database.js';

describe('createPostgresDatabase options', () => {
  it('rejects missing or invalid connection settings with INVALID_OPTIONS', () => {
    for (const options of [{}, { connectionString: '' }, { pool: {} }, { connectionString: 'postgres://x', maxConnections: 0 }, { connectionString: 'postgres://x', listenReconnectDelayMs: -1 }, { connectionString: 'postgres://x', preparedStatements: 'yes' }]) {
      expect(() => createPostgresDatabase(options as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    }
  });

  it('refuses use after close with CLOSED, without connecting', async () => {
    const db = createPostgresDatabase({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    await expect(db.transaction(() => Promise.resolve(1))).rejects.toMatchObject({ code: ErrorCode.CLOSED });
  });
});
