/**
 * @packageDocumentation
 * @iap/core: the event envelope (CloudEvents-compatible), delivery lifecycle, retry maths, the error
 * model and the contracts every other @iap package shares.
 */

// errors
export { ErrorCode } from './error-codes.js';
export { IapError, toIapError, readRetryAfterMs, hasErrorCode } from './iap-error.js';
export type { IapErrorOptions } from './iap-error.js';
export { ValidationError, isValidationError, formatIssuePath } from './validation-error.js';
export type { ValidationIssue } from './validation-error.js';

// time
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { ManualClock, flushMicrotasks } from './manual-clock.js';
export { sleep, abortedError } from './sleep.js';
export type { SleepOptions } from './sleep.js';

// logging
export { noopLogger } from './logger.js';
export type { Logger, LogFn } from './logger.js';

// ids
export { uuidv7, uuidv7Timestamp } from './uuid-v7.js';

// standard schema
export { isStandardSchema, validateWithSchema, validateWithSchemaAsync, assertWithSchema } from './standard-schema.js';
export type { StandardSchemaV1, SchemaValidationResult } from './standard-schema.js';

// idempotency
export { createInMemoryIdempotencyStore } from './in-memory-idempotency-store.js';
export type { InMemoryIdempotencyStoreOptions } from './in-memory-idempotency-store.js';
export type { IdempotencyStore, IdempotencyRecord, IdempotencyState, ClaimResult, ClaimOptions, CompleteOptions } from './idempotency-store.js';
