/**
 * @packageDocumentation
 * @iap/messaging: transactional outbox (write + relay), inbox (idempotent consumer) on PostgreSQL
 * and PGlite, plus a non-durable in-process transport. Database adapters live in the subpaths
 * `@iap/messaging/postgres` and `@iap/messaging/pglite`.
 */

// executor contract
export type { SqlExecutor, SqlQueryResult, TransactionExecutor, MessagingDatabase } from './executor.js';
export type { MessagingTablesOptions } from './tables.js';

// schema
export { migrate } from './migrate.js';
export type { MigrationResult } from './migrate.js';

// outbox (write side and admin)
export { createOutbox } from './outbox.js';
export type { Outbox, OutboxOptions, ListDeadLettersOptions } from './outbox.js';
export type { OutboxMessage, DeadLetter, OutboxStats } from './outbox-message.js';

// relay
export { createRelay } from './relay/create-relay.js';
export type { Relay, RelayStopOptions } from './relay/relay.js';
export type { RelayOptions } from './relay-options.js';
export type { RelayBatchResult, RelayEvents, RelayMessageRef } from './relay-events.js';

// inbox
export { createInbox } from './inbox.js';
export type { Inbox, InboxOptions, InboxKey, InboxResult } from './inbox.js';

// shared idempotency store (core contract on a table)
export { createSqlIdempotencyStore } from './sql-idempotency-store.js';
export type { SqlIdempotencyStore, SqlIdempotencyStoreOptions } from './sql-idempotency-store.js';

// in-process transport (non-durable)
export { createInProcessTransport } from './in-process-transport.js';
export type { InProcessTransport, InProcessHandler } from './in-process-transport.js';

// errors
export { isStoreLockedError, isStoreFailedError, isMigrationFailedError } from './messaging-errors.js';
