import { definitionError, invalidOptions } from './saga-errors.js';
import { resolveDefinitionOptions, type ResolvedDefinitionOptions, type SagaDefinitionOptions } from './saga-options.js';
import { appendStage, emptyPlan, planStep, withPivot, type PlannedStep, type SagaPlan } from './saga-plan.js';
import type { SagaStepDefinition } from './saga-step.js';

/**
 * The results type of a saga without steps.
 *
 * @example
 * ```ts
 * const saga: SagaDefinition<Order, EmptySagaResults> = defineSaga<Order>('order');
 * ```
 */
export type EmptySagaResults = Record<never, never>;

/**
 * Builds the steps of a parallel group (see {@link SagaDefinition.parallel}).
 *
 * @example
 * ```ts
 * saga.parallel((group) => group.step({ name: 'charge', action: charge }).step({ name: 'points', action: addPoints }));
 * ```
 */
export interface SagaParallelGroup<TInput, TResults, TAdded> {
  /** Adds a step to the group; its action sees the results of the steps before the group. */
  step<const TName extends string, TResult>(
    definition: SagaStepDefinition<TInput, TResults, TName, TResult>,
  ): SagaParallelGroup<TInput, TResults, TAdded & { readonly [K in TName]: TResult }>;
}

/**
 * What a saga does, as plain immutable data: its name, steps, compensations, pivot and retry
 * defaults. It holds no runtime state (no store, no listeners, no runs): every `step`, `parallel`
 * and `pivot` returns a new definition and leaves this one as it was. Run it with a
 * {@link SagaRunner} (`createSagaRunner(definition, { store })`); any number of runners, in any
 * number of processes, can run the same definition.
 *
 * @typeParam TInput - the saga input (JSON-serialisable).
 * @typeParam TResults - results of the steps, by step name.
 *
 * @example
 * ```ts
 * const placeOrder = defineSaga<Order>('place-order').step(reserve).step(charge).pivot().step(ship);
 * const runner = createSagaRunner(placeOrder, { store });
 * ```
 */
export interface SagaDefinition<TInput, TResults> {
  /** Identifies the saga in the store. */
  readonly name: string;
  /** Step names in definition order. */
  readonly stepNames: readonly string[];

  /**
   * Adds a step that runs after the previous ones. Its `retry` and `compensationRetry` are merged
   * over the saga's, option by option.
   *
   * @throws IapError `SAGA_DEFINITION` for a duplicate or invalid name, a missing action, or a
   * compensation after `pivot()`; `INVALID_OPTIONS` for an invalid `retry` or `timeoutMs`.
   * @example
   * ```ts
   * saga.step({ name: 'reserve', action: ({ input, idempotencyKey }) => stock.reserve(input.sku, idempotencyKey), compensate: ({ result }) => stock.release(result.id) });
   * ```
   */
  step<const TName extends string, TResult>(
    definition: SagaStepDefinition<TInput, TResults, TName, TResult>,
  ): SagaDefinition<TInput, TResults & { readonly [K in TName]: TResult }>;

  /**
   * Adds a group of steps that run at the same time, after the previous ones. When one of them
   * fails, the others are awaited; the completed ones are compensated together, as a group.
   *
   * @throws IapError `SAGA_DEFINITION` for an empty group or an invalid step.
   * @example
   * ```ts
   * saga.parallel((group) => group.step({ name: 'charge', action: charge, compensate: refund }).step({ name: 'points', action: addPoints }));
   * ```
   */
  parallel<TAdded>(
    build: (group: SagaParallelGroup<TInput, TResults, EmptySagaResults>) => SagaParallelGroup<TInput, TResults, TAdded>,
  ): SagaDefinition<TInput, TResults & TAdded>;

  /**
   * Marks the point of no return: once every step before it completed, the saga is never
   * compensated; a later failing step is retried by its policy and then leaves the saga `failed`
   * for an operator.
   *
   * @throws IapError `SAGA_DEFINITION` when called twice or before any step.
   * @example
   * ```ts
   * defineSaga('order').step(reserve).step(charge).pivot().step(ship);
   * ```
   */
  pivot(): SagaDefinition<TInput, TResults>;
}

const SAGA_NAME = /^[^\u0000-\u001f\u007f]{1,200}$/; // eslint-disable-line no-control-regex

class ParallelGroupBuilder<TInput, TResults, TAdded> implements SagaParallelGroup<TInput, TResults, TAdded> {
  constructor(
    readonly plan: SagaPlan,
    readonly options: ResolvedDefinitionOptions,
    readonly steps: readonly PlannedStep[],
  ) {}

  step<const TName extends string, TResult>(
    definition: SagaStepDefinition<TInput, TResults, TName, TResult>,
  ): SagaParallelGroup<TInput, TResults, TAdded & { readonly [K in TName]: TResult }> {
    const taken = new Set(this.steps.map((s) => s.name));
    const planned = planStep(this.plan, taken, definition as SagaStepDefinition<unknown, unknown, string, unknown>, this.plan.stages.length, this.options);
    return new ParallelGroupBuilder(this.plan, this.options, [...this.steps, planned]);
  }
}

class SagaDefinitionImpl<TInput, TResults> implements SagaDefinition<TInput, TResults> {
  readonly #plan: SagaPlan;
  readonly #options: ResolvedDefinitionOptions;

  constructor(plan: SagaPlan, options: ResolvedDefinitionOptions) {
    this.#plan = plan;
    this.#options = options;
  }

  /** The plan of `value` when it is a definition made by {@link defineSaga}, else undefined. */
  static planOf(value: unknown): SagaPlan | undefined {
    return typeof value === 'object' && value !== null && #plan in value ? (value as SagaDefinitionImpl<unknown, unknown>).#plan : undefined;
  }

  get name(): string {
    return this.#plan.name;
  }

  get stepNames(): readonly string[] {
    return this.#plan.stages.flatMap((stage) => stage.map((s) => s.name));
  }

  step<const TName extends string, TResult>(
    definition: SagaStepDefinition<TInput, TResults, TName, TResult>,
  ): SagaDefinition<TInput, TResults & { readonly [K in TName]: TResult }> {
    const planned = planStep(this.#plan, new Set(), definition as SagaStepDefinition<unknown, unknown, string, unknown>, this.#plan.stages.length, this.#options);
    return new SagaDefinitionImpl<TInput, TResults & { readonly [K in TName]: TResult }>(appendStage(this.#plan, [planned]), this.#options);
  }

  parallel<TAdded>(
    build: (group: SagaParallelGroup<TInput, TResults, EmptySagaResults>) => SagaParallelGroup<TInput, TResults, TAdded>,
  ): SagaDefinition<TInput, TResults & TAdded> {
    if (typeof build !== 'function') throw definitionError(this.#plan.name, 'parallel() takes a function that adds the steps of the group');
    const group = build(new ParallelGroupBuilder(this.#plan, this.#options, []));
    if (!(group instanceof ParallelGroupBuilder)) throw definitionError(this.#plan.name, 'the parallel() callback must return the group it was given, with its steps added');
    return new SagaDefinitionImpl<TInput, TResults & TAdded>(appendStage(this.#plan, (group as ParallelGroupBuilder<TInput, TResults, TAdded>).steps), this.#options);
  }

  pivot(): SagaDefinition<TInput, TResults> {
    return new SagaDefinitionImpl<TInput, TResults>(withPivot(this.#plan), this.#options);
  }
}

/** @internal The plan of a definition made by {@link defineSaga}; `INVALID_OPTIONS` naming `where` for anything else. */
export function sagaPlanOf(where: string, definition: unknown): SagaPlan {
  const plan = SagaDefinitionImpl.planOf(definition);
  if (plan === undefined) throw invalidOptions(where, 'the definition must come from defineSaga() (a saga made by createSaga() has it as saga.definition)');
  return plan;
}

/** @internal Starts a definition; `where` names the public call in error messages. */
export function startDefinition<TInput>(where: string, name: string, options: SagaDefinitionOptions): SagaDefinition<TInput, EmptySagaResults> {
  if (typeof name !== 'string' || !SAGA_NAME.test(name) || name.trim().length === 0) {
    throw definitionError(String(name), 'the saga name must be a string of 1 to 200 characters without control characters');
  }
  return new SagaDefinitionImpl<TInput, EmptySagaResults>(emptyPlan(name), resolveDefinitionOptions(where, options));
}

/**
 * Starts a pure saga definition: a business transaction over services that cannot share a
 * database transaction. Add steps with `step()` (and `parallel()`, `pivot()`), then drive it with
 * {@link createSagaRunner}, which checkpoints every step in a durable store, continues a crashed
 * worker's sagas on `resume()` and, on a failure before the pivot, undoes the completed steps in
 * reverse order.
 *
 * @param name - identifies the saga in the store (1 to 200 characters); keep it stable across deploys.
 * @throws IapError `SAGA_DEFINITION` for an invalid name; `INVALID_OPTIONS` for invalid options.
 * @example
 * ```ts
 * const placeOrder = defineSaga<{ orderId: string; amount: number }>('place-order', { retry: { maxAttempts: 5 } })
 *   .step({ name: 'reserve', action: ({ input, idempotencyKey }) => stock.reserve(input.orderId, idempotencyKey), compensate: ({ result }) => stock.release(result.reservationId) })
 *   .step({ name: 'charge', action: ({ input, idempotencyKey }) => payments.charge(input.amount, idempotencyKey), compensate: ({ result }) => payments.refund(result.chargeId) })
 *   .pivot()
 *   .step({ name: 'ship', action: ({ input, idempotencyKey }) => shipping.create(input.orderId, idempotencyKey) });
 * ```
 */
export function defineSaga<TInput = unknown>(name: string, options: SagaDefinitionOptions = {}): SagaDefinition<TInput, EmptySagaResults> {
  return startDefinition<TInput>(`defineSaga("${String(name)}")`, name, options);
}
