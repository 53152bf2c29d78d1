/**
 * @packageDocumentation
 * @iap/messaging/postgres: the `pg` adapter of @iap/messaging (a MessagingDatabase on a `pg` pool,
 * with LISTEN/NOTIFY wake-ups). Requires the optional peer dependency `pg`.
 */

export { createPostgresDatabase } from './postgres-database.js';
export type { PostgresDatabaseOptions } from './postgres-database.js';
