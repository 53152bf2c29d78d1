import type { IapError } from '@iap/core';
import { SagaDeadlineError, SagaStepError } from './saga-errors.js';
import { fromJsonText, parseStoredError, type StoredError } from './saga-json.js';
import type { SagaState } from './saga-state.js';
import type { SagaStatus } from './saga-status.js';
import type { SagaSummary } from './saga-store.js';

/**
 * A step that failed, with its error.
 *
 * @example
 * ```ts
 * if (result.compensationFailure) alert(`undo of ${result.compensationFailure.step} failed: ${result.compensationFailure.error.message}`);
 * ```
 */
export interface SagaStepFailure {
  readonly step: string;
  /** Code `SAGA_STEP_FAILED` (or `SAGA_DEADLINE`); `cause` is the original error or its stored form. */
  readonly error: IapError;
}

/**
 * The outcome of a saga. `run()` returns it once the saga is `completed`, `compensated`, `failed`
 * or `compensation_failed` (or was already `resolved`); `get()` may also show `running` or
 * `compensating`.
 *
 * @example
 * ```ts
 * const result = await saga.run(input, { sagaId });
 * if (result.status === 'compensated') notifyCustomer(result.failedStep, result.error?.message);
 * ```
 */
export interface SagaResult<TResults> {
  readonly sagaId: string;
  readonly sagaName: string;
  readonly status: SagaStatus;
  /** Results of the completed steps (after a restart: as stored, through JSON). */
  readonly results: Partial<TResults>;
  /** Steps that completed (or were skipped by an operator), in completion order. */
  readonly completedSteps: readonly string[];
  /** Steps that were compensated (or whose compensation was skipped), in compensation order. */
  readonly compensatedSteps: readonly string[];
  /** The step whose failure stopped forward progress (or at which the deadline passed). */
  readonly failedStep: string | undefined;
  /** Why forward progress stopped: code `SAGA_STEP_FAILED` or `SAGA_DEADLINE`. */
  readonly error: IapError | undefined;
  /** The compensation that failed, when the status is `compensation_failed`. */
  readonly compensationFailure: SagaStepFailure | undefined;
}

/** @internal The stored form of a forward failure. */
export interface StoredFailure {
  readonly step: string;
  readonly error: StoredError;
  readonly deadline: boolean;
}

/** @internal Builds the IapError reported for a failed step or compensation. */
export function stepFailureError(
  sagaId: string,
  sagaName: string,
  step: string,
  phase: 'action' | 'compensation',
  stored: StoredError,
  original?: unknown,
): SagaStepError {
  const what = phase === 'action' ? 'step' : 'compensation of step';
  return new SagaStepError(`saga "${sagaName}" ${what} "${step}" failed: ${stored.message}`, { sagaId, sagaName, step, phase }, {
    cause: original ?? stored,
    details: { causeName: stored.name, ...(stored.code === undefined ? {} : { causeCode: stored.code }) },
  });
}

/** @internal The `SAGA_DEADLINE` error. */
export function deadlineError(sagaId: string, sagaName: string, step: string, cause?: unknown): SagaDeadlineError {
  return new SagaDeadlineError({ sagaId, sagaName, step }, cause);
}

/** @internal Parses a stored failure; undefined when none or damaged. */
export function parseFailure(failureJson: string | undefined): StoredFailure | undefined {
  const value = fromJsonText(failureJson, 'the saga failure') as { step?: unknown; error?: unknown; deadline?: unknown } | undefined;
  if (typeof value !== 'object' || value === null || typeof value.step !== 'string') return undefined;
  return { step: value.step, error: parseStoredError(JSON.stringify(value.error ?? null)), deadline: value.deadline === true };
}

/** @internal The IapError of a forward failure. */
export function failureError(summary: Pick<SagaSummary, 'sagaId' | 'sagaName'>, failure: StoredFailure, original?: unknown): IapError {
  if (failure.deadline && SagaDeadlineError.isInstance(original)) return original;
  return failure.deadline
    ? deadlineError(summary.sagaId, summary.sagaName, failure.step, original ?? failure.error)
    : stepFailureError(summary.sagaId, summary.sagaName, failure.step, 'action', failure.error, original);
}

/** @internal Builds a {@link SagaResult} from a run's summary and folded state. */
export function buildResult<TResults>(
  summary: Pick<SagaSummary, 'sagaId' | 'sagaName' | 'status' | 'failureJson'>,
  state: SagaState,
  originals: { failure?: unknown; compensation?: unknown } = {},
): SagaResult<TResults> {
  const failure = parseFailure(summary.failureJson);
  const [compensationFailed] = summary.status === 'compensation_failed' ? state.compensationFailures() : [];
  return {
    sagaId: summary.sagaId,
    sagaName: summary.sagaName,
    status: summary.status,
    results: state.results() as Partial<TResults>,
    completedSteps: state.completedSteps(),
    compensatedSteps: state.compensatedSteps(),
    failedStep: failure?.step,
    error: failure === undefined ? undefined : failureError(summary, failure, originals.failure),
    compensationFailure:
      compensationFailed === undefined
        ? undefined
        : {
            step: compensationFailed[0],
            error: stepFailureError(summary.sagaId, summary.sagaName, compensationFailed[0], 'compensation', compensationFailed[1], originals.compensation),
          },
  };
}
