/**
 * @packageDocumentation
 * @iap/messaging/pglite: the embedded default store of @iap/messaging: PGlite (PostgreSQL in
 * WebAssembly) behind one serialised gateway, with a lock file against a second process. Requires
 * the optional peer dependency `@electric-sql/pglite`.
 */

export { createPgliteDatabase } from './pglite-database.js';
export type { PgliteDatabase, PgliteDatabaseOptions } from './pglite-database.js';
