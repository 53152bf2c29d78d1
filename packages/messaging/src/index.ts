/**
 * @packageDocumentation
 * @iap/messaging: Transactional outbox, relay and inbox on PostgreSQL and PGlite, plus an in-process transport.
 */

export {};
