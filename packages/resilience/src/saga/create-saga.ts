import { startDefinition, sagaPlanOf, type EmptySagaResults, type SagaDefinition, type SagaParallelGroup } from './saga-definition.js';
import { resolveRunnerOptions, type SagaOptions } from './saga-options.js';
import { SagaRunnerImpl, type SagaRunner } from './saga-runner.js';
import type { SagaStepDefinition } from './saga-step.js';
import { SagaWorker } from './saga-worker.js';

/**
 * A saga definition and its runner in one object, as {@link createSaga} makes it: the builder
 * methods of a {@link SagaDefinition} and the calls and events of a {@link SagaRunner}. Every
 * `step`, `parallel` and `pivot` returns a new saga with the new definition on the same runner, so
 * the sagas built from one `createSaga()` share its runtime state: a listener subscribed before
 * `step()` hears the runs of the finished saga, and `close()` closes them all.
 *
 * @typeParam TInput - the saga input (JSON-serialisable).
 * @typeParam TResults - results of the steps, by step name.
 *
 * @example
 * ```ts
 * const saga = createSaga<Order>('order', { store }).step(reserve).step(charge);
 * const off = saga.on('stepFailed', (e) => log.warn({ sagaId: e.sagaId, step: e.step }, 'saga step failed'));
 * ```
 */
export interface Saga<TInput, TResults> extends SagaRunner<TInput, TResults> {
  /** Step names in definition order. */
  readonly stepNames: readonly string[];

  /**
   * Adds a step that runs after the previous ones (see {@link SagaDefinition.step}).
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
  ): Saga<TInput, TResults & { readonly [K in TName]: TResult }>;

  /**
   * Adds a group of steps that run at the same time (see {@link SagaDefinition.parallel}).
   *
   * @throws IapError `SAGA_DEFINITION` for an empty group or an invalid step.
   * @example
   * ```ts
   * saga.parallel((group) => group.step({ name: 'charge', action: charge, compensate: refund }).step({ name: 'points', action: addPoints }));
   * ```
   */
  parallel<TAdded>(
    build: (group: SagaParallelGroup<TInput, TResults, EmptySagaResults>) => SagaParallelGroup<TInput, TResults, TAdded>,
  ): Saga<TInput, TResults & TAdded>;

  /**
   * Marks the point of no return (see {@link SagaDefinition.pivot}).
   *
   * @throws IapError `SAGA_DEFINITION` when called twice or before any step.
   * @example
   * ```ts
   * createSaga('order').step(reserve).step(charge).pivot().step(ship);
   * ```
   */
  pivot(): Saga<TInput, TResults>;
}

/** A runner that also builds: each builder call wraps the new definition around the same worker. */
class BuildingSaga<TInput, TResults> extends SagaRunnerImpl<TInput, TResults> implements Saga<TInput, TResults> {
  readonly #worker: SagaWorker;

  constructor(definition: SagaDefinition<TInput, TResults>, worker: SagaWorker) {
    super(definition, sagaPlanOf('createSaga()', definition), worker);
    this.#worker = worker;
  }

  get stepNames(): readonly string[] {
    return this.definition.stepNames;
  }

  step<const TName extends string, TResult>(
    definition: SagaStepDefinition<TInput, TResults, TName, TResult>,
  ): Saga<TInput, TResults & { readonly [K in TName]: TResult }> {
    return new BuildingSaga(this.definition.step(definition), this.#worker);
  }

  parallel<TAdded>(
    build: (group: SagaParallelGroup<TInput, TResults, EmptySagaResults>) => SagaParallelGroup<TInput, TResults, TAdded>,
  ): Saga<TInput, TResults & TAdded> {
    return new BuildingSaga(this.definition.parallel(build), this.#worker);
  }

  pivot(): Saga<TInput, TResults> {
    return new BuildingSaga(this.definition.pivot(), this.#worker);
  }
}

/**
 * Starts a saga: a definition ({@link defineSaga}) and its runner ({@link createSagaRunner}) in one
 * object. Add steps with `step()` (and `parallel()`, `pivot()`), then `run()` it against a durable
 * {@link SagaStore}: every step is checkpointed, a crashed worker's sagas are continued by
 * `resume()`, and a failure before the pivot undoes the completed steps in reverse order. The
 * definition options (`retry`, `compensationRetry`, `shouldRetry`) go to the definition, the
 * others to the runner, which every saga built from this one shares.
 *
 * @param name - identifies the saga in the store (1 to 200 characters); keep it stable across deploys.
 * @throws IapError `SAGA_DEFINITION` for an invalid name; `INVALID_OPTIONS` for invalid options.
 * @example
 * ```ts
 * const placeOrder = createSaga<{ orderId: string; amount: number }>('place-order', { store })
 *   .step({ name: 'reserve', action: ({ input, idempotencyKey }) => stock.reserve(input.orderId, idempotencyKey), compensate: ({ result }) => stock.release(result.reservationId) })
 *   .step({ name: 'charge', action: ({ input, idempotencyKey }) => payments.charge(input.amount, idempotencyKey), compensate: ({ result }) => payments.refund(result.chargeId) })
 *   .pivot()
 *   .step({ name: 'ship', action: ({ input, idempotencyKey }) => shipping.create(input.orderId, idempotencyKey) });
 *
 * const result = await placeOrder.run({ orderId: 'o-42', amount: 990 }, { sagaId: 'order-o-42' });
 * ```
 */
export function createSaga<TInput = unknown>(name: string, options: SagaOptions = {}): Saga<TInput, EmptySagaResults> {
  const where = `createSaga("${String(name)}")`;
  const definition = startDefinition<TInput>(where, name, options);
  return new BuildingSaga(definition, new SagaWorker(resolveRunnerOptions(where, options)));
}
