/**
 * Every error code used by @iap packages, in one `const` map. An {@link IapError}'s `code` is always
 * one of these values, so callers can switch on it exhaustively.
 *
 * @example
 * ```ts
 * if (IapError.isInstance(err) && err.code === ErrorCode.CIRCUIT_OPEN) { ... }
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

  // resilience
  /** The circuit breaker is open (or half-open and full); see `retryAfterMs`. */
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  /** The circuit breaker is isolated by an operator. */
  CIRCUIT_ISOLATED: 'CIRCUIT_ISOLATED',
  /** A call exceeded its timeout. */
  TIMEOUT: 'TIMEOUT',
  /** The bulkhead is full and its queue is full or the queue wait timed out. */
  BULKHEAD_REJECTED: 'BULKHEAD_REJECTED',
  /** The rate limiter rejected the call; see `retryAfterMs`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Every retry attempt failed; `attempts` keeps each cause. */
  RETRY_EXHAUSTED: 'RETRY_EXHAUSTED',
  /** The error was marked as not worth retrying. */
  NON_RETRIABLE: 'NON_RETRIABLE',
  /** The retry budget is spent: retrying now would feed a retry storm. */
  RETRY_BUDGET_EXHAUSTED: 'RETRY_BUDGET_EXHAUSTED',
  /** A saga step or compensation failed. */
  SAGA_STEP_FAILED: 'SAGA_STEP_FAILED',
  /** A saga is in a state that does not allow the requested operation. */
  SAGA_STATE: 'SAGA_STATE',
  /** A saga definition is invalid (duplicate step names, empty saga, ...). */
  SAGA_DEFINITION: 'SAGA_DEFINITION',
  /** The saga passed its deadline. */
  SAGA_DEADLINE: 'SAGA_DEADLINE',

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

  // messaging / kafka
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

  // cdc
  /** A CDC message could not be parsed; see `format`, `reason` and `path`. */
  CDC_PARSE: 'CDC_PARSE',

  // webhooks
  /** Webhook verification failed; see `reason`. */
  WEBHOOK_VERIFICATION: 'WEBHOOK_VERIFICATION',
  /** A webhook body arrived already parsed, so its exact bytes are lost. */
  WEBHOOK_BODY_PARSED: 'WEBHOOK_BODY_PARSED',

  // sync
  /** A sync boundary definition is invalid; the message names the field. */
  SYNC_DEFINITION: 'SYNC_DEFINITION',
  /** A sync plan could not be computed for the given input. */
  SYNC_PLAN: 'SYNC_PLAN',
} as const;

/** The union of every code in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
