import { abortedError, ErrorCode, hasErrorCode, IapError, noopTelemetry, sleep, TypedEmitter, uuidv7, type Listener, type TypedEventSource } from '@iap/core';
import { asError, definitionError, invalidOptions } from './saga-errors.js';
import type { SagaEvents } from './saga-events.js';
import { SagaExecution, type OperatorAction } from './saga-execution.js';
import { toJsonText } from './saga-json.js';
import { assertSagaStore, resolveSagaOptions, type ResolvedSagaOptions, type SagaOptions } from './saga-options.js';
import { appendStage, emptyPlan, planStep, withPivot, type PlannedStep, type SagaPlan } from './saga-plan.js';
import { buildResult, type SagaResult } from './saga-result.js';
import { purgeInput, type SagaPurgeOptions } from './saga-purge.js';
import { SagaState } from './saga-state.js';
import { attachSagaTelemetry } from './saga-telemetry.js';
import { SignalFanout } from './signal-fanout.js';
import { isSagaActive } from './saga-status.js';
import type { SagaStepDefinition } from './saga-step.js';
import type { SagaRecord, SagaStore } from './saga-store.js';

/**
 * The results type of a saga without steps.
 *
 * @example
 * ```ts
 * const saga: Saga<Order, EmptySagaResults> = createSaga<Order>('order');
 * ```
 */
export type EmptySagaResults = Record<never, never>;

/**
 * Options of {@link Saga.run}.
 *
 * @example
 * ```ts
 * await saga.run(input, { sagaId: `order-${input.orderId}`, deadlineMs: 60_000, signal: shutdown.signal });
 * ```
 */
export interface SagaRunOptions {
  /**
   * Identifies the run. Starting the same `sagaId` again returns the same run (its result, or the
   * run in progress), never a second execution; the stored input wins. Use a business key (`order-42`).
   * @defaultValue a new UUIDv7
   */
  sagaId?: string;
  /** @defaultValue the saga's `store` option */
  store?: SagaStore;
  /**
   * Stops this worker driving the saga (the current attempts see their signal abort). The saga is
   * not compensated: it stays `running` and resumable, its lease released.
   */
  signal?: AbortSignal;
  /**
   * Time budget before the pivot, in ms from the start, stored with the saga (it survives restarts).
   * No step attempt before the pivot starts after it: the saga compensates with a `SAGA_DEADLINE`
   * error. Steps after the pivot and compensations ignore it.
   * @defaultValue no deadline
   */
  deadlineMs?: number;
}

/**
 * Options of {@link Saga.resume}.
 *
 * @example
 * ```ts
 * setInterval(() => void saga.resume({ concurrency: 8 }).catch(log.error), 30_000).unref();
 * ```
 */
export interface SagaResumeOptions {
  /** @defaultValue the saga's `store` option */
  store?: SagaStore;
  /** Stops claiming and stops the sagas being driven (they stay resumable). */
  signal?: AbortSignal;
  /**
   * How many sagas this call drives at the same time.
   * @defaultValue `4`
   */
  concurrency?: number;
  /**
   * Most sagas this call takes over.
   * @defaultValue no limit: until none is left to take over
   */
  limit?: number;
}

/**
 * Options of {@link Saga.get}.
 *
 * @example
 * ```ts
 * const result = await saga.get('order-o-42', { store });
 * ```
 */
export interface SagaGetOptions {
  /** @defaultValue the saga's `store` option */
  store?: SagaStore;
}

/**
 * Options of the operator calls {@link Saga.retry}, {@link Saga.skip} and {@link Saga.markResolved}.
 *
 * @example
 * ```ts
 * await saga.retry('order-o-42', { note: 'provider back up (ops-123)' });
 * ```
 */
export interface SagaOperatorOptions {
  /** @defaultValue the saga's `store` option */
  store?: SagaStore;
  /** Stops driving the saga after a retry or skip (it stays resumable). */
  signal?: AbortSignal;
  /** Recorded in the checkpoint log with the operator's action (who and why; no secrets). */
  note?: string;
}

/**
 * Builds the steps of a parallel group (see {@link Saga.parallel}).
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
 * A saga definition and its runner. Built fluently and immutably: every `step`, `parallel` and
 * `pivot` returns a new saga (subscribe to events on the finished one).
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
export interface Saga<TInput, TResults> extends TypedEventSource<SagaEvents> {
  readonly name: string;
  /** Step names in definition order. */
  readonly stepNames: readonly string[];

  /**
   * Adds a step that runs after the previous ones.
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
  ): Saga<TInput, TResults & TAdded>;

  /**
   * Marks the point of no return: once every step before it completed, the saga is never
   * compensated; a later failing step is retried by its policy and then leaves the saga `failed`
   * for an operator.
   *
   * @throws IapError `SAGA_DEFINITION` when called twice or before any step.
   * @example
   * ```ts
   * createSaga('order').step(reserve).step(charge).pivot().step(ship);
   * ```
   */
  pivot(): Saga<TInput, TResults>;

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
   * const result = await saga.run({ orderId: 'o-42', sku: 'A1', amount: 990 }, { sagaId: 'order-o-42', store });
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
   * const resumed = await saga.resume({ store });
   * ```
   */
  resume(options?: SagaResumeOptions): Promise<Array<SagaResult<TResults>>>;

  /**
   * Reads a saga's current result from the store, or undefined when there is none.
   *
   * @throws IapError `SAGA_STATE` when the id belongs to another saga.
   * @example
   * ```ts
   * const result = await saga.get('order-o-42');
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
   * await saga.retry('order-o-42', { note: 'payment provider back up (ops-123)' });
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
   * await saga.skip('order-o-42', { note: 'refund issued by hand (ops-124)' });
   * ```
   */
  skip(sagaId: string, options?: SagaOperatorOptions): Promise<SagaResult<TResults>>;

  /**
   * Operator: marks a `failed` or `compensation_failed` saga as handled by hand (`resolved`).
   *
   * @throws IapError `NOT_FOUND`; `SAGA_STATE` when the saga is in another status.
   * @example
   * ```ts
   * await saga.markResolved('order-o-42', { note: 'customer refunded by support (ops-125)' });
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
   * const removed = await saga.purge({ olderThanMs: 30 * 86_400_000 });
   * ```
   */
  purge(options: SagaPurgeOptions): Promise<number>;

  /**
   * Stops every run this object drives (they stay resumable, leases released), removes every
   * listener, and rejects later calls with `CLOSED`. Idempotent.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void saga.close());
   * ```
   */
  close(): Promise<void>;
}

const SAGA_ID = /^[^\u0000-\u001f\u007f]{1,200}$/; // eslint-disable-line no-control-regex
const ACTIVE: readonly ['running', 'compensating'] = ['running', 'compensating'];
const WAITING: readonly ['failed', 'compensation_failed'] = ['failed', 'compensation_failed'];

class ParallelGroupBuilder<TInput, TResults, TAdded> implements SagaParallelGroup<TInput, TResults, TAdded> {
  constructor(
    readonly plan: SagaPlan,
    readonly options: ResolvedSagaOptions,
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

class SagaDefinition<TInput, TResults> implements Saga<TInput, TResults> {
  readonly #plan: SagaPlan;
  readonly #options: ResolvedSagaOptions;
  readonly #events: TypedEmitter<SagaEvents>;
  readonly #close = new AbortController();
  readonly #fanout = new SignalFanout();
  readonly #inflight = new WeakMap<SagaStore, Map<string, Promise<SagaResult<TResults>>>>();
  readonly #running = new Set<Promise<unknown>>();
  #closed = false;

  constructor(plan: SagaPlan, options: ResolvedSagaOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#events = new TypedEmitter<SagaEvents>(options.onListenerError === undefined ? {} : { onListenerError: options.onListenerError });
    if (options.telemetry !== noopTelemetry) attachSagaTelemetry(this.#events, options.telemetry, options.clock);
  }

  get name(): string {
    return this.#plan.name;
  }

  get stepNames(): readonly string[] {
    return this.#plan.stages.flatMap((stage) => stage.map((s) => s.name));
  }

  on<K extends keyof SagaEvents>(event: K, listener: Listener<SagaEvents[K]>): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof SagaEvents>(event: K, listener: Listener<SagaEvents[K]>): void {
    this.#events.off(event, listener);
  }

  step<const TName extends string, TResult>(
    definition: SagaStepDefinition<TInput, TResults, TName, TResult>,
  ): Saga<TInput, TResults & { readonly [K in TName]: TResult }> {
    const planned = planStep(this.#plan, new Set(), definition as SagaStepDefinition<unknown, unknown, string, unknown>, this.#plan.stages.length, this.#options);
    return new SagaDefinition<TInput, TResults & { readonly [K in TName]: TResult }>(appendStage(this.#plan, [planned]), this.#options);
  }

  parallel<TAdded>(
    build: (group: SagaParallelGroup<TInput, TResults, EmptySagaResults>) => SagaParallelGroup<TInput, TResults, TAdded>,
  ): Saga<TInput, TResults & TAdded> {
    if (typeof build !== 'function') throw definitionError(this.#plan.name, 'parallel() takes a function that adds the steps of the group');
    const group = build(new ParallelGroupBuilder(this.#plan, this.#options, []));
    if (!(group instanceof ParallelGroupBuilder)) throw definitionError(this.#plan.name, 'the parallel() callback must return the group it was given, with its steps added');
    return new SagaDefinition<TInput, TResults & TAdded>(appendStage(this.#plan, (group as ParallelGroupBuilder<TInput, TResults, TAdded>).steps), this.#options);
  }

  pivot(): Saga<TInput, TResults> {
    return new SagaDefinition<TInput, TResults>(withPivot(this.#plan), this.#options);
  }

  async run(input: TInput, options: SagaRunOptions = {}): Promise<SagaResult<TResults>> {
    const where = `saga "${this.name}" run()`;
    const store = this.#storeFor(where, options.store);
    const sagaId = options.sagaId ?? uuidv7(this.#options.clock.now());
    if (typeof sagaId !== 'string' || !SAGA_ID.test(sagaId)) throw invalidOptions(where, 'sagaId must be a string of 1 to 200 characters without control characters');
    const { deadlineMs, signal } = options;
    if (deadlineMs !== undefined && !(typeof deadlineMs === 'number' && Number.isFinite(deadlineMs) && deadlineMs > 0)) {
      throw invalidOptions(where, 'deadlineMs must be a finite number > 0 (a budget in ms from the start)');
    }
    if (this.#plan.stages.length === 0) throw definitionError(this.name, 'has no steps; add at least one with step()');
    this.#assertOpen();
    if (signal?.aborted === true) throw abortedError(signal, `saga ${sagaId}`);
    const local = this.#inflight.get(store)?.get(sagaId);
    if (local !== undefined) return local;
    const inputJson = toJsonText(input, 'the saga input') ?? 'null';
    return this.#track(store, sagaId, async () => {
      const { clock, leaseMs, workerId } = this.#options;
      const now = clock.now();
      const { created, record } = await store.create({
        sagaId,
        sagaName: this.name,
        inputJson,
        owner: workerId,
        now,
        leaseExpiresAt: now + leaseMs,
        deadlineAt: deadlineMs === undefined ? undefined : now + deadlineMs,
      });
      return created ? this.#execute(store, record, false, signal) : this.#attach(store, record, signal);
    });
  }

  async resume(options: SagaResumeOptions = {}): Promise<Array<SagaResult<TResults>>> {
    const where = `saga "${this.name}" resume()`;
    const store = this.#storeFor(where, options.store);
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw invalidOptions(where, 'concurrency must be an integer >= 1');
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (!(typeof limit === 'number' && limit >= 0 && (Number.isInteger(limit) || limit === Number.POSITIVE_INFINITY))) {
      throw invalidOptions(where, 'limit must be an integer >= 0');
    }
    this.#assertOpen();
    const { signal } = options;
    const { clock, leaseMs, workerId } = this.#options;
    const results: Array<SagaResult<TResults>> = [];
    let taken = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && signal?.aborted !== true && !this.#closed && taken < limit) {
        taken++;
        let record: SagaRecord | undefined;
        try {
          const now = clock.now();
          [record] = await store.claim({ sagaName: this.name, owner: workerId, now, leaseExpiresAt: now + leaseMs, limit: 1 });
        } catch (error) {
          failure ??= error;
          return;
        }
        if (record === undefined) {
          taken--;
          return;
        }
        const claimed = record;
        try {
          results.push(await this.#track(store, claimed.sagaId, () => this.#execute(store, claimed, true, signal)));
        } catch (error) {
          if (!hasErrorCode(error, ErrorCode.LEASE_LOST)) failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (failure !== undefined) throw asError(failure);
    if (signal?.aborted === true) throw abortedError(signal, `saga "${this.name}" resume`);
    this.#assertOpen();
    return results;
  }

  async get(sagaId: string, options: SagaGetOptions = {}): Promise<SagaResult<TResults> | undefined> {
    const store = this.#storeFor(`saga "${this.name}" get()`, options.store);
    const record = await store.get(sagaId);
    if (record === undefined) return undefined;
    this.#assertOwnRecord(record);
    return this.#resultOf(record);
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
    const store = this.#storeFor(where, (options as SagaPurgeOptions | undefined)?.store);
    return store.purge(purgeInput(where, this.name, options, this.#options.clock.now()));
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#close.abort();
    }
    await Promise.allSettled([...this.#running]);
    this.#events.removeAllListeners();
  }

  async #operate(kind: OperatorAction['kind'], sagaId: string, options: SagaOperatorOptions): Promise<SagaResult<TResults>> {
    const where = `saga "${this.name}" ${kind === 'resolve' ? 'markResolved' : kind}()`;
    const store = this.#storeFor(where, options.store);
    if (options.note !== undefined && (typeof options.note !== 'string' || options.note.length > 2000)) throw invalidOptions(where, 'note must be a string of at most 2000 characters');
    this.#assertOpen();
    const current = await store.get(sagaId);
    if (current === undefined) throw new IapError(ErrorCode.NOT_FOUND, `${where}: no saga with id ${sagaId} in the store`, { details: { sagaId } });
    this.#assertOwnRecord(current);
    if (!(WAITING as readonly string[]).includes(current.status)) {
      throw new IapError(ErrorCode.SAGA_STATE, `${where}: saga ${sagaId} is ${current.status}; only failed or compensation_failed sagas wait for an operator`, {
        details: { sagaId, status: current.status },
      });
    }
    const { clock, leaseMs, workerId } = this.#options;
    const now = clock.now();
    const acquired = await store.acquire(sagaId, { owner: workerId, now, leaseExpiresAt: now + leaseMs, statuses: WAITING });
    if (!acquired.acquired) {
      throw new IapError(ErrorCode.SAGA_STATE, `${where}: saga ${sagaId} changed while the operator call ran (now ${acquired.record?.status ?? 'gone'}); read it again`, {
        details: { sagaId },
      });
    }
    const record = acquired.record;
    return this.#track(store, sagaId, async () => {
      const execution = new SagaExecution(this.#environment(store), record, { resumed: true, signal: options.signal });
      return execution.run({ kind, note: options.note });
    });
  }

  async #attach(store: SagaStore, found: SagaRecord, signal: AbortSignal | undefined): Promise<SagaResult<TResults>> {
    let record: SagaRecord | undefined = found;
    const { clock, leaseMs, workerId, pollIntervalMs } = this.#options;
    for (;;) {
      if (record === undefined) throw new IapError(ErrorCode.NOT_FOUND, `saga ${found.sagaId} disappeared from the store while run() waited for it`, { details: { sagaId: found.sagaId } });
      this.#assertOwnRecord(record);
      if (!isSagaActive(record.status)) return this.#resultOf(record);
      const now = clock.now();
      const acquired = await store.acquire(record.sagaId, { owner: workerId, now, leaseExpiresAt: now + leaseMs, statuses: ACTIVE });
      if (acquired.acquired) return this.#execute(store, acquired.record, true, signal);
      if (acquired.record !== undefined && isSagaActive(acquired.record.status)) {
        // another live worker drives it: wait for it to finish (or for its lease to expire)
        const wait = new AbortController();
        const unsubscribe = [this.#close.signal, ...(signal === undefined ? [] : [signal])].map((s) => this.#fanout.subscribe(s, () => wait.abort(s.reason)));
        try {
          await sleep(pollIntervalMs, { clock, signal: wait.signal });
        } catch (error) {
          this.#assertOpen();
          throw error;
        } finally {
          for (const off of unsubscribe) off();
        }
        record = await store.get(record.sagaId);
      } else record = acquired.record;
    }
  }

  async #execute(store: SagaStore, record: SagaRecord, resumed: boolean, signal: AbortSignal | undefined): Promise<SagaResult<TResults>> {
    const execution = new SagaExecution(this.#environment(store), record, { resumed, signal });
    return execution.run();
  }

  #environment(store: SagaStore): ConstructorParameters<typeof SagaExecution>[0] {
    return { plan: this.#plan, options: this.#options, emitter: this.#events, store, closeSignal: this.#close.signal, fanout: this.#fanout };
  }

  /** Registers a run so the same id started again in this process joins it, and `close()` awaits it. */
  #track(store: SagaStore, sagaId: string, work: () => Promise<SagaResult<TResults>>): Promise<SagaResult<TResults>> {
    let byId = this.#inflight.get(store);
    if (byId === undefined) {
      byId = new Map();
      this.#inflight.set(store, byId);
    }
    const map = byId;
    const promise = work().finally(() => {
      if (map.get(sagaId) === promise) map.delete(sagaId);
      this.#running.delete(promise);
    });
    map.set(sagaId, promise);
    this.#running.add(promise);
    return promise;
  }

  #resultOf(record: SagaRecord): SagaResult<TResults> {
    return buildResult<TResults>(record, new SagaState(this.#plan, record.checkpoints));
  }

  #assertOwnRecord(record: SagaRecord): void {
    if (record.sagaName !== this.name) {
      throw new IapError(ErrorCode.SAGA_STATE, `saga id ${record.sagaId} belongs to saga "${record.sagaName}", not "${this.name}"; use a distinct sagaId per saga`, {
        details: { sagaId: record.sagaId, sagaName: record.sagaName },
      });
    }
  }

  #storeFor(where: string, store: SagaStore | undefined): SagaStore {
    const chosen = store ?? this.#options.store;
    if (chosen === undefined) throw invalidOptions(where, 'no store: pass { store } here or to createSaga()');
    if (store !== undefined) assertSagaStore(where, store);
    return chosen;
  }

  #assertOpen(): void {
    if (this.#closed) throw new IapError(ErrorCode.CLOSED, `saga "${this.name}" is closed`);
  }
}

/**
 * Starts a saga definition: a business transaction over services that cannot share a database
 * transaction. Add steps with `step()` (and `parallel()`, `pivot()`), then `run()` it against a
 * durable {@link SagaStore}: every step is checkpointed, a crashed worker's sagas are continued by
 * `resume()`, and a failure before the pivot undoes the completed steps in reverse order.
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
  if (typeof name !== 'string' || !SAGA_ID.test(name) || name.trim().length === 0) {
    throw definitionError(String(name), 'the saga name must be a string of 1 to 200 characters without control characters');
  }
  return new SagaDefinition<TInput, EmptySagaResults>(emptyPlan(name), resolveSagaOptions(name, options));
}
