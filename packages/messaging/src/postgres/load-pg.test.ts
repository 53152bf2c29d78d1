import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it, vi } from 'vitest';

// `pg` is installed in this workspace: simulate a project without it by making its resolution fail
// as Node's does (MODULE_NOT_FOUND).
vi.mock('node:module', () => ({
  createRequire: () => (name: string) => {
    throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
  },
}));

describe('loadPg without pg installed', () => {
  it('says which package to install and the alternative, with code MISSING_PEER', async () => {
    const { loadPg } = await import('./load-pg.js');
    let caught: unknown;
    try {
      loadPg('createPostgresDatabase({ connectionString })');
    } catch (error) {
      caught = error;
    }
    expect(IapError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ code: ErrorCode.MISSING_PEER, details: { peer: 'pg' } });
    expect((caught as Error).message).toContain('npm install pg');
    expect((caught as Error).message).toContain('{ pool }');
  });

  it('createPostgresDatabase({ connectionString }) reports it instead of crashing on import', async () => {
    const { createPostgresDatabase } = await import('../postgres-database.js');
    expect(() => createPostgresDatabase({ connectionString: 'postgres://127.0.0.1:5432/test' })).toThrow(expect.objectContaining({ code: ErrorCode.MISSING_PEER }));
  });
});
