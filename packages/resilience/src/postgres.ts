/**
 * @packageDocumentation
 * @iap/resilience/postgres: durable saga stores in PostgreSQL and PGlite (embedded PostgreSQL) on
 * core's one SQL contract (`SqlDatabase`), with their versioned schema migrations. The drivers are
 * optional peer dependencies: this entry never imports them; pass the database adapter your outbox
 * and inbox use (`createPostgresDatabase` / `createPgliteDatabase` from `@iap/messaging`), or a
 * bare `pg` pool or PGlite instance.
 */

export { createSqlSagaStore } from './saga/postgres/create-sql-saga-store.js';
export type { SqlSagaStoreOptions, SagaTablesOptions } from './saga/postgres/create-sql-saga-store.js';
export { createPostgresSagaStore } from './saga/postgres/postgres-saga-store.js';
export type { PostgresSagaStoreOptions } from './saga/postgres/postgres-saga-store.js';
export { createPGliteSagaStore } from './saga/postgres/pglite-saga-store.js';
export type { PGliteSagaStoreOptions } from './saga/postgres/pglite-saga-store.js';
export type { SqlSagaStore, SagaMigrationResult } from './saga/postgres/sql-saga-store.js';
export { sagaMigrationSql, SAGA_SCHEMA_VERSION } from './saga/postgres/saga-migrations.js';
export type { SagaMigrationSqlOptions } from './saga/postgres/saga-migrations.js';
export type { PgPoolLike, PgPoolClientLike, PGliteLike, SqlQueryable } from './saga/postgres/bare-driver-database.js';
/** Core's SQL contract, re-exported for convenience (`SqlQueryResult` was this entry's own type before 0.2). */
export type { SqlDatabase, SqlExecutor, SqlQueryResult, SqlTransaction } from '@iap/core';
