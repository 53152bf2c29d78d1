/**
 * @packageDocumentation
 * @iap/resilience: circuit breaker, retry, timeout, bulkhead, rate limiter, fallback and pipelines,
 * plus a durable saga orchestrator (stores for PostgreSQL and PGlite under `@iap/resilience/postgres`).
 */

// --- policies (circuit breaker, retry, timeout, bulkhead, rate limiter, fallback, pipeline) ---

// --- saga (exports of src/saga/) ---
export {
  createSaga,
  createInMemorySagaStore,
  SAGA_STATUSES,
  isSagaActive,
  isSagaStatus,
  isSagaStepError,
  isSagaStateError,
  isSagaDefinitionError,
  isSagaDeadlineError,
  isSagaLeaseLostError,
} from './saga/index.js';
export type {
  Saga,
  SagaOptions,
  SagaRunOptions,
  SagaResumeOptions,
  SagaGetOptions,
  SagaOperatorOptions,
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
} from './saga/index.js';

export {};
