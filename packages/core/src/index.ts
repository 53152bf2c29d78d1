/**
 * @packageDocumentation
 * @iap/core: the event envelope (CloudEvents-compatible), retry maths, the error
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
export { holdProcessOpen } from './keep-alive.js';
export { InFlightCalls } from './in-flight-calls.js';

// options
export { rejectUnknownOptions, closestName } from './unknown-options.js';

// logging
export { noopLogger } from './logger.js';
export type { Logger, LogFn } from './logger.js';

// ids
export { uuidv7, uuidv7Timestamp } from './uuid-v7.js';

// standard schema
export { isStandardSchema, toValidationIssues, validateWithSchema, validateWithSchemaAsync, assertWithSchema } from './standard-schema.js';
export type { StandardSchemaV1, SchemaValidationResult } from './standard-schema.js';

// idempotency
export { createInMemoryIdempotencyStore } from './in-memory-idempotency-store.js';
export type { InMemoryIdempotencyStoreOptions } from './in-memory-idempotency-store.js';
export type { IdempotencyStore, IdempotencyRecord, IdempotencyState, ClaimResult, ClaimOptions, CompleteOptions } from './idempotency-store.js';

// envelope
export { createEnvelope } from './envelope.js';
export type { Envelope, CreateEnvelopeInput, CreateEnvelopeOptions, ExtensionValue } from './envelope.js';
export { validateEnvelope, RESERVED_EXTENSION_NAMES } from './envelope-validation.js';
export { parseEnvelope, toCloudEvent, fromCloudEvent } from './cloud-event.js';
export type { CloudEvent, ParseEnvelopeOptions, ParsedEnvelope } from './cloud-event.js';
export { encodeEnvelope, decodeEnvelope, CLOUDEVENTS_JSON } from './envelope-codec.js';
export { isJsonContentType } from './json-content-type.js';

// retry maths
export { seededRandom } from './random-source.js';
export type { RandomSource } from './random-source.js';
export { createRetryPolicy, computeRetryDelay, baseRetryDelay, RETRY_POLICY_OPTION_NAMES } from './retry-policy.js';
export { isRetryableError } from './retryable-error.js';
export type { RetryPolicy, RetryPolicyOptions, RetryDelayInput, RetryDecision, Backoff, Jitter } from './retry-policy.js';

// contracts: publishing, telemetry, tracing
export type { Publisher, PublishMessage, PublishResult, PublishOptions } from './publisher.js';
export { TypedEmitter } from './typed-emitter.js';
export type { Listener, TypedEventSource, TypedEmitterOptions } from './typed-emitter.js';
export { noopTelemetry } from './telemetry.js';
export type { Telemetry, TelemetrySpan, TelemetrySpanOptions, TelemetryAttributes } from './telemetry.js';
export { parseTraceparent, formatTraceparent, createTraceparent } from './trace-context.js';
export type { TraceParent, TraceparentParts } from './trace-context.js';
export { parseTracestate, formatTracestate, TRACESTATE_MAX_MEMBERS } from './trace-state.js';
export type { TraceStateMember } from './trace-state.js';

// broker-neutral consume pipeline (decode, validate, dedup, handle, classify, retry or dead-letter); brokers plug in a BrokerAdapter
export { createConsumePipeline } from './consume/consume-pipeline.js';
export type { ConsumePipeline, ConsumePipelineOptions } from './consume/consume-pipeline.js';
export type { BrokerAdapter, ConsumeDelivery, ConsumeHooks } from './consume/broker-adapter.js';
export { CONSUME_DONE, CONSUME_STOP } from './consume/consume-outcome.js';
export type { ConsumeOutcome, ConsumePauseReason } from './consume/consume-outcome.js';
export { createClaimStore } from './consume/claim-store.js';
export type { ClaimAnswer, ClaimStore, ClaimStoreOptions, ClaimToken, HeldClaim } from './consume/claim-store.js';
export { createDataValidator } from './consume/data-validator.js';
export type { ConsumeSchemaMap, DataValidator, DataValidatorOptions } from './consume/data-validator.js';
export { isThenable, settle } from './consume/maybe-async.js';
export type { MaybePromise } from './consume/maybe-async.js';

// SQL executor / transaction contract and the migration runner (adapters: @iap/messaging/postgres, /pglite)
export type { SqlQueryResult, SqlExecutor, SqlTransaction, SqlDatabase } from './sql/sql-database.js';
export { SqlTransactionHandle } from './sql/sql-transaction-handle.js';
export { runMigrations } from './sql/migrations.js';
export type { SqlMigration, RunMigrationsOptions, SqlMigrationResult } from './sql/migrations.js';
