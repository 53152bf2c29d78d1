/**
 * @packageDocumentation
 * @iap/cdc: Typed, lossless change events from Debezium, AWS DMS, Maxwell, Canal and wal2json.
 */

export {};
