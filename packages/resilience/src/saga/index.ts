// Saga orchestrator: explicit barrel of src/saga/ (database stores live under ../postgres.ts).
export { defineSaga } from './saga-definition.js';
export type { SagaDefinition, SagaParallelGroup, EmptySagaResults } from './saga-definition.js';
export { createSagaRunner } from './saga-runner.js';
export type { SagaRunner } from './saga-runner.js';
export { createSaga } from './create-saga.js';
export type { Saga } from './create-saga.js';
export type { SagaRunOptions, SagaResumeOptions, SagaGetOptions, SagaOperatorOptions } from './saga-call-options.js';
export type { SagaOptions, SagaDefinitionOptions, SagaRunnerOptions } from './saga-options.js';
export type { SagaStepDefinition, SagaStepContext, SagaCompensationContext } from './saga-step.js';
export type { SagaResult, SagaStepFailure } from './saga-result.js';
export type { SagaEvents, SagaEventBase, SagaPhase } from './saga-events.js';
export { SAGA_STATUSES, SAGA_FINISHED_STATUSES, isSagaActive, isSagaStatus } from './saga-status.js';
export type { SagaStatus, SagaFinishedStatus } from './saga-status.js';
export type { SagaPurgeOptions } from './saga-purge.js';
export {
  SagaStepError,
  SagaStateError,
  SagaDefinitionError,
  SagaDeadlineError,
  isSagaStepError,
  isSagaStateError,
  isSagaDefinitionError,
  isSagaDeadlineError,
  isSagaLeaseLostError,
} from './saga-errors.js';
export type { StoredError } from './saga-json.js';
export { createInMemorySagaStore } from './in-memory-saga-store.js';
export type { InMemorySagaStore } from './in-memory-saga-store.js';
export type {
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
} from './saga-store.js';
