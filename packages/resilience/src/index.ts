/**
 * @packageDocumentation
 * @iap/resilience: circuit breaker, retry, timeout, bulkhead, rate limiter, fallback and pipelines,
 * plus a durable saga orchestrator (stores for PostgreSQL and PGlite under `@iap/resilience/postgres`).
 */

// --- policies (circuit breaker, retry, timeout, bulkhead, rate limiter, fallback, pipeline) ---
// policy contract
export type { ExecutionContext, Policy, PolicyExtra } from './policy.js';

// circuit breaker
export { createCircuitBreaker } from './circuit-breaker/circuit-breaker.js';
export type { CircuitBreaker, CircuitIsolation } from './circuit-breaker/circuit-breaker.js';
export type { CircuitBreakerOptions, CircuitWindowOptions, CallOutcome } from './circuit-breaker/circuit-breaker-options.js';
export type { CircuitBreakerEvents, CircuitBreakerStats, CircuitState, CircuitTransitionReason } from './circuit-breaker/circuit-breaker-events.js';
export { validateCircuitBreakerSnapshot } from './circuit-breaker/circuit-breaker-snapshot.js';
export type { CircuitBreakerSnapshot, CircuitWindowSnapshot } from './circuit-breaker/circuit-breaker-snapshot.js';
export type { CircuitStateStore, SharedCircuitState } from './circuit-breaker/circuit-state-store.js';
export { createInMemoryCircuitStateStore } from './circuit-breaker/in-memory-circuit-state-store.js';
export type { InMemoryCircuitStateStore } from './circuit-breaker/in-memory-circuit-state-store.js';

// retry
export { createRetry, retry } from './retry/retry.js';
export type { Retry, RetryOptions, RetryCallOptions, RetryEvents, RetryStopReason } from './retry/retry.js';
export { createRetryBudget } from './retry/retry-budget.js';
export type { RetryBudget, RetryBudgetOptions, RetryBudgetStats } from './retry/retry-budget.js';

// timeout, bulkhead, rate limiter, fallback
export { createTimeout } from './timeout.js';
export type { Timeout, TimeoutOptions, TimeoutEvents, TimeoutStrategy } from './timeout.js';
export { createBulkhead } from './bulkhead.js';
export type { Bulkhead, BulkheadOptions, BulkheadEvents, BulkheadStats } from './bulkhead.js';
export { createRateLimiter } from './rate-limiter.js';
export type { RateLimiter, RateLimiterOptions, TokenBucketOptions, SlidingWindowOptions, RateLimitDecision, RateLimiterEvents } from './rate-limiter.js';
export { createFallback } from './fallback.js';
export type { Fallback, FallbackOptions, FallbackEvents } from './fallback.js';

// composition
export { pipeline } from './pipeline.js';
export type { Pipeline } from './pipeline.js';
export { withPolicy } from './with-policy.js';
export type { WithPolicyOptions } from './with-policy.js';

// errors
export { ResilienceErrorCode } from './resilience-error-codes.js';
export { CircuitOpenError, isCircuitOpenError } from './errors/circuit-open-error.js';
export { CircuitIsolatedError, isCircuitIsolatedError } from './errors/circuit-isolated-error.js';
export { TimeoutError, isTimeoutError } from './errors/timeout-error.js';
export { BulkheadRejectedError, isBulkheadRejectedError } from './errors/bulkhead-rejected-error.js';
export type { BulkheadRejectionReason } from './errors/bulkhead-rejected-error.js';
export { RateLimitedError, isRateLimitedError } from './errors/rate-limited-error.js';
export { NonRetriableError, isNonRetriableError } from './errors/non-retriable-error.js';
export { RetryExhaustedError, isRetryExhaustedError } from './errors/retry-exhausted-error.js';
export type { RetryGiveUpReason } from './errors/retry-exhausted-error.js';
export { RetryBudgetExhaustedError, isRetryBudgetExhaustedError } from './errors/retry-budget-exhausted-error.js';


// --- saga (exports of src/saga/) ---
export {
  defineSaga,
  createSagaRunner,
  createSaga,
  createInMemorySagaStore,
  SAGA_STATUSES,
  SAGA_FINISHED_STATUSES,
  isSagaActive,
  isSagaStatus,
  SagaStepError,
  SagaStateError,
  SagaDefinitionError,
  SagaDeadlineError,
  isSagaStepError,
  isSagaStateError,
  isSagaDefinitionError,
  isSagaDeadlineError,
  isSagaLeaseLostError,
} from './saga/index.js';
export type {
  SagaDefinition,
  SagaRunner,
  Saga,
  SagaOptions,
  SagaDefinitionOptions,
  SagaRunnerOptions,
  SagaRunOptions,
  SagaResumeOptions,
  SagaGetOptions,
  SagaOperatorOptions,
  SagaPurgeOptions,
  SagaParallelGroup,
  EmptySagaResults,
  SagaStepDefinition,
  SagaStepContext,
  SagaCompensationContext,
  SagaResult,
  SagaStepFailure,
  SagaEvents,
  SagaEventBase,
  SagaPhase,
  SagaStatus,
  SagaFinishedStatus,
  StoredError,
  InMemorySagaStore,
  SagaStore,
  SagaRecord,
  SagaSummary,
  SagaCheckpoint,
  SagaCheckpointInput,
  SagaCheckpointKind,
  SagaCheckpointWrite,
  SagaCreateInput,
  SagaCreateResult,
  SagaAcquireInput,
  SagaAcquireResult,
  SagaClaimInput,
  SagaListQuery,
  SagaPurgeInput,
} from './saga/index.js';
