import { ErrorCode } from '@iap/core';
import { describe, expect, it } from 'vitest';
import type { MessagingDatabase } from './executor.js';
import { MIGRATIONS } from './internal/migration-sql.js';
import { resolveTableNames } from './internal/table-names.js';
import { migrate } from './migrate.js';

describe('migrations', () => {
  it('are numbered 1, 2, ... with names and statements that use only the resolved names', () => {
    const names = resolveTableNames({ schema: 'zz_schema', tablePrefix: 'zz_' });
    MIGRATIONS.forEach((migration, index) => {
      expect(migration.version).toBe(index + 1);
      expect(migration.name.length).toBeGreaterThan(0);
      for (const statement of migration.statements(names)) {
        expect(statement).not.toMatch(/"public"|iap_/);
        // one statement each (a function body's own statements sit inside its dollar quotes)
        expect(statement.replace(/\$iap\$[\s\S]*?\$iap\$/g, '')).not.toContain(';');
      }
    });
  });

  it('wraps a failing statement as MIGRATION_FAILED and rejects bad table options', async () => {
    const db: MessagingDatabase = {
      query: () => Promise.reject(new Error('unused')),
      transaction: (fn) => fn({ query: () => Promise.reject(Object.assign(new Error('permission denied for database test'), { code: '42501' })), afterCommit: () => undefined }),
      close: () => Promise.resolve(),
    };
    const error = await migrate(db, { schema: 'app' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.MIGRATION_FAILED, details: { schema: 'app' } });
    expect((error as Error).message).toContain('SQLSTATE 42501');
    await expect(migrate(db, { schema: 'Bad Name' })).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
  });
});
