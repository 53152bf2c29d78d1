/**
 * The generic error codes every @iap package may raise: validation, options, decoding, timeouts,
 * aborts, closed components, stores, leases and the broker-neutral messaging failures. A failure
 * only one package has is coded in that package's own map (`ResilienceErrorCode`, `CdcErrorCode`,
 * `WebhookErrorCode`, `SyncErrorCode`, `KafkaErrorCode`, ...), with a typed error class; the string
 * values never change when a code moves, so comparing `err.code` with a string keeps working.
 *
 * @example
 * ```ts
 * if (IapError.isInstance(err) && err.code === ErrorCode.TIMEOUT) { ... }
 * ```
 */
export const ErrorCode = {
  // core
  /** Input failed validation; `issues` lists every problem with its path. */
  VALIDATION: 'VALIDATION',
  /** A component was asked for a state change its lifecycle does not allow (e.g. `start()` twice). */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** Options passed to a factory are invalid; raised at construction. */
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  /** Bytes could not be decoded (bad UTF-8, bad JSON, wrong shape). */
  DECODE: 'DECODE',
  /** A Standard Schema validator returned a promise where a synchronous result was required. */
  ASYNC_SCHEMA: 'ASYNC_SCHEMA',
  /** The operation was aborted through an AbortSignal. */
  ABORTED: 'ABORTED',
  /** The component was closed or disposed before the call. */
  CLOSED: 'CLOSED',
  /** An idempotency claim was lost or used with a wrong token. */
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  /** Publishing a message failed. */
  PUBLISH_FAILED: 'PUBLISH_FAILED',
  /** An optional peer dependency the feature needs (a driver or client) is not installed; the message names the package to install. */
  MISSING_PEER: 'MISSING_PEER',
  /** An unexpected error that was not an IapError, wrapped by `toIapError`. */
  UNKNOWN: 'UNKNOWN',

  // time
  /** A call exceeded its timeout. */
  TIMEOUT: 'TIMEOUT',

  // stores, leases
  /** A lease (relay claim, saga lease) was lost to another worker; the fencing check failed. */
  LEASE_LOST: 'LEASE_LOST',
  /** A record that was expected to exist does not. */
  NOT_FOUND: 'NOT_FOUND',
  /** A database or store operation failed. */
  STORE_FAILED: 'STORE_FAILED',
  /** A database schema migration failed or the schema is newer than this package. */
  MIGRATION_FAILED: 'MIGRATION_FAILED',
  /** The embedded database's data directory is locked by another process. */
  STORE_LOCKED: 'STORE_LOCKED',

  // messaging, for every broker
  /** A message could not be decoded from its transport representation. */
  MESSAGE_DECODE: 'MESSAGE_DECODE',
  /** No schema is registered for a message's event type and schema version. */
  UNKNOWN_SCHEMA_VERSION: 'UNKNOWN_SCHEMA_VERSION',
  /** A message handler failed. */
  HANDLER_FAILED: 'HANDLER_FAILED',
  /** Writing to a dead-letter destination failed. */
  DEAD_LETTER_FAILED: 'DEAD_LETTER_FAILED',
  /** A broker or client failure (connection, protocol, broker error). */
  BROKER: 'BROKER',
} as const;

/** The union of every code in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
