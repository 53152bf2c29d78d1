/**
 * @packageDocumentation
 * @iap/resilience/postgres: durable saga stores in PostgreSQL (through a `pg` pool) and PGlite
 * (embedded PostgreSQL), with their versioned schema migrations. The drivers are optional peer
 * dependencies: this entry never imports them, you pass your own pool or PGlite instance.
 */

export { createPostgresSagaStore } from './saga/postgres/postgres-saga-store.js';
export type { PostgresSagaStoreOptions } from './saga/postgres/postgres-saga-store.js';
export { createPGliteSagaStore } from './saga/postgres/pglite-saga-store.js';
export type { PGliteSagaStoreOptions } from './saga/postgres/pglite-saga-store.js';
export type { SqlSagaStore, SagaMigrationResult } from './saga/postgres/sql-saga-store.js';
export { sagaMigrationSql, SAGA_SCHEMA_VERSION } from './saga/postgres/saga-migrations.js';
export type { SagaMigrationSqlOptions } from './saga/postgres/saga-migrations.js';
export type { PgPoolLike, PgPoolClientLike, PGliteLike, SqlQueryable, SqlQueryResult } from './saga/postgres/sql-executor.js';
