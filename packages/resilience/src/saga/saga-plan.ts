import type { RetryPolicy } from '@iap/core';
import { definitionError, invalidOptions } from './saga-errors.js';
import type { ResolvedDefinitionOptions } from './saga-options.js';
import { mergeRetryPolicy } from './saga-retry-policy.js';
import type { SagaCompensationContext, SagaStepContext, SagaStepDefinition } from './saga-step.js';

/** @internal A step with its options resolved. Contexts are erased to `unknown` inside the engine. */
export interface PlannedStep {
  readonly name: string;
  readonly stage: number;
  readonly action: (context: SagaStepContext<unknown, unknown>) => unknown;
  readonly compensate: ((context: SagaCompensationContext<unknown, unknown>) => unknown) | undefined;
  readonly retry: RetryPolicy;
  readonly compensationRetry: RetryPolicy;
  readonly timeoutMs: number | undefined;
  readonly shouldRetry: (error: unknown) => boolean;
}

/**
 * @internal An immutable saga plan: stages run one after the other; the steps of one stage (a
 * parallel group) run at the same time. Stages at index >= `pivotStage` come after the pivot.
 */
export interface SagaPlan {
  readonly name: string;
  readonly stages: readonly (readonly PlannedStep[])[];
  readonly pivotStage: number;
  readonly steps: ReadonlyMap<string, PlannedStep>;
}

// eslint-disable-next-line no-control-regex
const STEP_NAME = /^[^\u0000-\u001f\u007f]{1,200}$/;

/** @internal An empty plan. */
export function emptyPlan(name: string): SagaPlan {
  return { name, stages: [], pivotStage: Number.POSITIVE_INFINITY, steps: new Map() };
}

/** @internal Validates and resolves one step definition for stage `stage` (its retry policies merged over the saga's). */
export function planStep(
  plan: SagaPlan,
  taken: ReadonlySet<string>,
  definition: SagaStepDefinition<unknown, unknown, string, unknown>,
  stage: number,
  options: ResolvedDefinitionOptions,
): PlannedStep {
  if (typeof definition !== 'object' || definition === null) throw definitionError(plan.name, 'a step definition must be an object');
  const { name } = definition;
  if (typeof name !== 'string' || !STEP_NAME.test(name) || name.trim().length === 0) {
    throw definitionError(plan.name, 'step names must be strings of 1 to 200 characters without control characters', { step: String(name) });
  }
  if (plan.steps.has(name) || taken.has(name)) throw definitionError(plan.name, `step "${name}" is defined twice; step names must be unique`, { step: name });
  if (typeof definition.action !== 'function') throw definitionError(plan.name, `step "${name}" has no action function`, { step: name });
  if (definition.compensate !== undefined && typeof definition.compensate !== 'function') {
    throw definitionError(plan.name, `step "${name}": compensate must be a function`, { step: name });
  }
  if (definition.compensate !== undefined && stage >= plan.pivotStage) {
    throw definitionError(plan.name, `step "${name}" comes after pivot() and is never compensated; remove its compensate function`, { step: name });
  }
  const where = `saga "${plan.name}" step "${name}"`;
  const { timeoutMs } = definition;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw invalidOptions(where, 'timeoutMs must be a finite number > 0');
  }
  if (definition.shouldRetry !== undefined && typeof definition.shouldRetry !== 'function') throw invalidOptions(where, 'shouldRetry must be a function');
  return Object.freeze({
    name,
    stage,
    action: definition.action,
    compensate: definition.compensate,
    // a step's policies are merged over the saga's, option by option
    retry: mergeRetryPolicy(`${where} option retry`, options.retry, definition.retry),
    compensationRetry: mergeRetryPolicy(`${where} option compensationRetry`, options.compensationRetry, definition.compensationRetry),
    timeoutMs,
    shouldRetry: definition.shouldRetry ?? options.shouldRetry,
  });
}

/** @internal A new plan with one more stage. */
export function appendStage(plan: SagaPlan, steps: readonly PlannedStep[]): SagaPlan {
  if (steps.length === 0) throw definitionError(plan.name, 'a parallel group needs at least one step');
  const all = new Map(plan.steps);
  for (const step of steps) all.set(step.name, step);
  return { name: plan.name, stages: [...plan.stages, Object.freeze([...steps])], pivotStage: plan.pivotStage, steps: all };
}

/** @internal A new plan whose pivot sits after the current last stage. */
export function withPivot(plan: SagaPlan): SagaPlan {
  if (plan.pivotStage !== Number.POSITIVE_INFINITY) throw definitionError(plan.name, 'pivot() was called twice; a saga has one point of no return');
  if (plan.stages.length === 0) throw definitionError(plan.name, 'pivot() must follow at least one step');
  return { ...plan, pivotStage: plan.stages.length };
}
