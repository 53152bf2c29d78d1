/**
 * Loads the optional `pg` peer only when @iap/messaging has to create a pool itself (from a
 * `connectionString`), so a user who passes their own pool never needs it resolvable from here, and
 * a user who has not installed it gets a sentence saying what to install instead of a stack trace
 * from the module loader.
 */
import { ErrorCode, IapError } from '@iap/core';
import { createRequire } from 'node:module';
import type * as Pg from 'pg';

let loaded: typeof Pg | undefined;

/** The `pg` module. @throws IapError `MISSING_PEER` when `pg` is not installed. */
export function loadPg(where: string): typeof Pg {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('pg') as typeof Pg;
    return loaded;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new IapError(
      ErrorCode.MISSING_PEER,
      `${where} needs the PostgreSQL driver "pg", an optional peer of @iap/messaging that is not installed: run "npm install pg" (or pnpm add pg), or pass a pool you created as { pool }`,
      { cause: error, details: { peer: 'pg' } },
    );
  }
}
