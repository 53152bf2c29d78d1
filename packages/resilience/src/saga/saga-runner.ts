import type { Listener, TypedEventSource } from '@iap/core';
import type { SagaGetOptions, SagaOperatorOptions, SagaResumeOptions, SagaRunOptions } from './saga-call-options.js';
import { sagaPlanOf, type SagaDefinition } from './saga-definition.js';
import type { SagaEvents } from './saga-events.js';
import type { OperatorAction } from './saga-execution.js';
import { operateOnRun } from './saga-operate.js';
import { resolveRunnerOptions, type SagaRunnerOptions } from './saga-options.js';
import type { SagaPlan } from './saga-plan.js';
import { purgeInput, type SagaPurgeOptions } from './saga-purge.js';
import type { SagaResult } from './saga-result.js';
import { resumeRuns } from './saga-resume.js';
import { startRun } from './saga-start.js';
import { SagaWorker } from './saga-worker.js';

/**
 * Runs a {@link SagaDefinition}: owns everything that lives at run time (the store, the lease
 * owner name, the event listeners, the runs in flight and their leases), while the definition stays
 * plain data. Subscribe to events here: `runner.on(...)`.
 *
 * @typeParam TInput - the saga input (JSON-serialisable).
 * @typeParam TResults - results of the steps, by step name.
 *
 * @example
 * ```ts
 * const runner = createSagaRunner(placeOrder, { store });
 * const off = runner.on('stepFailed', (e) => log.warn({ sagaId: e.sagaId, step: e.step }, 'saga step failed'));
 * const result = await runner.run(order, { sagaId: `order-${order.orderId}` });
 * ```
 */
export interface SagaRunner<TInput, TResults> extends TypedEventSource<SagaEvents> {
  /** The definition this runner drives. */
  readonly definition: SagaDefinition<TInput, TResults>;
  /** The saga's name (the definition's). */
  readonly name: string;

  /**
   * Runs the saga to the end: `completed`, `compensated`, `failed` or `compensation_failed`. Step
   * failures are not thrown: they are in the result (and in the events). Starting a `sagaId` that
   * exists returns that run: its result when it is finished, else it waits for the worker driving
   * it (or takes over when that worker's lease expires).
   *
   * @throws IapError `VALIDATION` when the input is not JSON-serialisable; `INVALID_OPTIONS`;
   * `SAGA_DEFINITION` for a saga without steps; `SAGA_STATE` when the id belongs to another saga;
   * `ABORTED` / `CLOSED` when stopped (the saga stays resumable); `LEASE_LOST` when another worker
   * took it over; `STORE_FAILED` when the store fails (the saga is resumed later).
   * @example
   * ```ts
   * const result = await runner.run({ orderId: 'o-42', sku: 'A1', amount: 990 }, { sagaId: 'order-o-42', store });
   * if (result.status !== 'completed') console.warn(result.failedStep, result.error?.message);
   * ```
   */
  run(input: TInput, options?: SagaRunOptions): Promise<SagaResult<TResults>>;

  /**
   * Takes over the active sagas of this name whose worker is gone (lease expired) and drives each
   * from its last checkpoint, forward or backward. Two workers resuming at once never drive the
   * same saga. Call it at start-up and periodically.
   *
   * @returns the results of the sagas this call finished.
   * @throws IapError `ABORTED` / `CLOSED` when stopped; `STORE_FAILED` when the store fails.
   * @example
   * ```ts
   * const resumed = await runner.resume({ store });
   * ```
   */
  resume(options?: SagaResumeOptions): Promise<Array<SagaResult<TResults>>>;

  /**
   * Reads a saga's current result from the store, or undefined when there is none.
   *
   * @throws IapError `SAGA_STATE` when the id belongs to another saga.
   * @example
   * ```ts
   * const result = await runner.get('order-o-42');
   * ```
   */
  get(sagaId: string, options?: SagaGetOptions): Promise<SagaResult<TResults> | undefined>;

  /**
   * Operator: retries a `failed` saga forward from its failed step, or a `compensation_failed`
   * saga backward from its failed compensation.
   *
   * @throws IapError `NOT_FOUND`; `SAGA_STATE` when the saga is in another status.
   * @example
   * ```ts
   * await runner.retry('order-o-42', { note: 'payment provider back up (ops-123)' });
   * ```
   */
  retry(sagaId: string, options?: SagaOperatorOptions): Promise<SagaResult<TResults>>;

  /**
   * Operator: skips the failed step of a `failed` saga (it counts as done, without result) or the
   * failed compensation of a `compensation_failed` saga (it counts as undone), then continues.
   *
   * @throws IapError `NOT_FOUND`; `SAGA_STATE` when the saga is in another status.
   * @example
   * ```ts
   * await runner.skip('order-o-42', { note: 'refund issued by hand (ops-124)' });
   * ```
   */
  skip(sagaId: string, options?: SagaOperatorOptions): Promise<SagaResult<TResults>>;

  /**
   * Operator: marks a `failed` or `compensation_failed` saga as handled by hand (`resolved`).
   *
   * @throws IapError `NOT_FOUND`; `SAGA_STATE` when the saga is in another status.
   * @example
   * ```ts
   * await runner.markResolved('order-o-42', { note: 'customer refunded by support (ops-125)' });
   * ```
   */
  markResolved(sagaId: string, options?: SagaOperatorOptions): Promise<SagaResult<TResults>>;

  /**
   * Removes finished runs of this saga (`completed`, `compensated`, `resolved` by default) last
   * written more than `olderThanMs` ago, with their checkpoint logs, up to `limit` per call, oldest
   * first; returns how many it removed. Runs that are active or wait for an operator are never
   * removed. A removed `sagaId` can be run again as a new saga, so keep finished runs at least as
   * long as a caller may retry a `run()` with the same id.
   *
   * @throws IapError `INVALID_OPTIONS` for a bad option; `STORE_FAILED` when the store fails.
   * @example
   * ```ts
   * const removed = await runner.purge({ olderThanMs: 30 * 86_400_000 });
   * ```
   */
  purge(options: SagaPurgeOptions): Promise<number>;

  /**
   * Stops every run this runner drives (they stay resumable, leases released), removes every
   * listener, and rejects later calls with `CLOSED`. Idempotent.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void runner.close());
   * ```
   */
  close(): Promise<void>;
}

/** @internal The runner of `definition` (whose plan is `plan`) on `worker`'s runtime state. */
export class SagaRunnerImpl<TInput, TResults> implements SagaRunner<TInput, TResults> {
  readonly definition: SagaDefinition<TInput, TResults>;
  readonly #plan: SagaPlan;
  readonly #worker: SagaWorker;

  constructor(definition: SagaDefinition<TInput, TResults>, plan: SagaPlan, worker: SagaWorker) {
    this.definition = definition;
    this.#plan = plan;
    this.#worker = worker;
  }

  get name(): string {
    return this.#plan.name;
  }

  on<K extends keyof SagaEvents>(event: K, listener: Listener<SagaEvents[K]>): () => void {
    return this.#worker.events.on(event, listener);
  }

  off<K extends keyof SagaEvents>(event: K, listener: Listener<SagaEvents[K]>): void {
    this.#worker.events.off(event, listener);
  }

  run(input: TInput, options: SagaRunOptions = {}): Promise<SagaResult<TResults>> {
    return startRun(this.#worker, this.#plan, input, options);
  }

  resume(options: SagaResumeOptions = {}): Promise<Array<SagaResult<TResults>>> {
    return resumeRuns(this.#worker, this.#plan, options);
  }

  async get(sagaId: string, options: SagaGetOptions = {}): Promise<SagaResult<TResults> | undefined> {
    const store = this.#worker.storeFor(`saga "${this.name}" get()`, options.store);
    const record = await store.get(sagaId);
    if (record === undefined) return undefined;
    this.#worker.assertOwnRecord(this.#plan, record);
    return this.#worker.resultOf<TResults>(this.#plan, record);
  }

  retry(sagaId: string, options: SagaOperatorOptions = {}): Promise<SagaResult<TResults>> {
    return this.#operate('retry', sagaId, options);
  }

  skip(sagaId: string, options: SagaOperatorOptions = {}): Promise<SagaResult<TResults>> {
    return this.#operate('skip', sagaId, options);
  }

  markResolved(sagaId: string, options: SagaOperatorOptions = {}): Promise<SagaResult<TResults>> {
    return this.#operate('resolve', sagaId, options);
  }

  async purge(options: SagaPurgeOptions): Promise<number> {
    const where = `saga "${this.name}" purge()`;
    const store = this.#worker.storeFor(where, (options as SagaPurgeOptions | undefined)?.store);
    return store.purge(purgeInput(where, this.name, options, this.#worker.options.clock.now()));
  }

  close(): Promise<void> {
    return this.#worker.close();
  }

  #operate(kind: OperatorAction['kind'], sagaId: string, options: SagaOperatorOptions): Promise<SagaResult<TResults>> {
    return operateOnRun(this.#worker, this.#plan, kind, sagaId, options);
  }
}

/**
 * Creates a runner for a saga definition: the worker that runs, resumes and operates its sagas
 * against a durable {@link SagaStore}, checkpointing every step, and emits its events. Each
 * runner is one worker (its own `workerId`, listeners and runs); create one per process and
 * definition, and call `resume()` at start-up and periodically.
 *
 * @throws IapError `INVALID_OPTIONS` for invalid options or a `definition` that does not come from {@link defineSaga}.
 * @example
 * ```ts
 * const runner = createSagaRunner(placeOrder, { store, leaseMs: 15_000 });
 * runner.on('compensationFailed', (e) => alert(`saga ${e.sagaId}: compensation of ${e.step} failed`));
 * await runner.resume();
 * const result = await runner.run({ orderId: 'o-42', amount: 990 }, { sagaId: 'order-o-42' });
 * ```
 */
export function createSagaRunner<TInput, TResults>(definition: SagaDefinition<TInput, TResults>, options: SagaRunnerOptions = {}): SagaRunner<TInput, TResults> {
  const plan = sagaPlanOf('createSagaRunner()', definition);
  const worker = new SagaWorker(resolveRunnerOptions(`createSagaRunner("${plan.name}")`, options));
  return new SagaRunnerImpl(definition, plan, worker);
}
