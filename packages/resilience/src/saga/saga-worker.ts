import { ErrorCode, IapError, noopTelemetry, TypedEmitter } from '@iap/core';
import type { Timeout } from '../timeout.js';
import { invalidOptions } from './saga-errors.js';
import { SagaStateError } from './saga-errors.js';
import type { SagaEvents } from './saga-events.js';
import { SagaExecution, type OperatorAction } from './saga-execution.js';
import { assertSagaStore, type ResolvedRunnerOptions } from './saga-options.js';
import type { PlannedStep, SagaPlan } from './saga-plan.js';
import { buildResult, type SagaResult } from './saga-result.js';
import { SagaState } from './saga-state.js';
import { attachSagaTelemetry } from './saga-telemetry.js';
import type { SagaRecord, SagaStore } from './saga-store.js';
import { SignalFanout } from './signal-fanout.js';
import { stepTimeout } from './step-attempts.js';

/** @internal How an execution starts: a fresh run or a take-over, the caller's signal, an operator action. */
export interface ExecuteOptions {
  readonly resumed: boolean;
  readonly signal: AbortSignal | undefined;
  readonly operator?: OperatorAction | undefined;
}

/**
 * @internal The runtime state behind a saga runner: the event emitter (with telemetry attached
 * once), the close signal, the signal fan-out, the runs in flight by store and id (so one id runs
 * once per worker) and the step timeout policies. A definition holds none of it, so listeners and
 * runs belong to the runner, never to a definition.
 */
export class SagaWorker {
  readonly options: ResolvedRunnerOptions;
  readonly events: TypedEmitter<SagaEvents>;
  readonly fanout = new SignalFanout();
  readonly #close = new AbortController();
  readonly #inflight = new WeakMap<SagaStore, Map<string, Promise<SagaResult<unknown>>>>();
  readonly #running = new Set<Promise<unknown>>();
  readonly #timeouts = new WeakMap<PlannedStep, Timeout | undefined>();
  #closed = false;

  constructor(options: ResolvedRunnerOptions) {
    this.options = options;
    this.events = new TypedEmitter<SagaEvents>(options.onListenerError === undefined ? {} : { onListenerError: options.onListenerError });
    if (options.telemetry !== noopTelemetry) attachSagaTelemetry(this.events, options.telemetry, options.clock);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Aborts when the worker is closed. */
  get closeSignal(): AbortSignal {
    return this.#close.signal;
  }

  /** Throws `CLOSED` once {@link SagaWorker.close} was called. */
  assertOpen(sagaName: string): void {
    if (this.#closed) throw new IapError(ErrorCode.CLOSED, `saga "${sagaName}" is closed`);
  }

  /** The call's store, else the runner's; `INVALID_OPTIONS` naming `where` when there is none or it is not a store. */
  storeFor(where: string, store: SagaStore | undefined): SagaStore {
    const chosen = store ?? this.options.store;
    if (chosen === undefined) throw invalidOptions(where, 'no store: pass { store } here or to the runner (createSaga() / createSagaRunner())');
    if (store !== undefined) assertSagaStore(where, store);
    return chosen;
  }

  /** The run of `sagaId` in `store` this worker drives now, if any. */
  inflight(store: SagaStore, sagaId: string): Promise<SagaResult<unknown>> | undefined {
    return this.#inflight.get(store)?.get(sagaId);
  }

  /** Registers a run so the same id started again in this worker joins it, and `close()` awaits it. */
  track<T extends SagaResult<unknown>>(store: SagaStore, sagaId: string, work: () => Promise<T>): Promise<T> {
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

  /** Drives one saga run (holding its lease) until it is final, waits for an operator, or stops. */
  execute(plan: SagaPlan, store: SagaStore, record: SagaRecord, options: ExecuteOptions): Promise<SagaResult<unknown>> {
    const environment = {
      plan,
      options: this.options,
      emitter: this.events,
      store,
      closeSignal: this.#close.signal,
      fanout: this.fanout,
      timeoutOf: (step: PlannedStep) => this.#timeoutOf(step),
    };
    return new SagaExecution(environment, record, { resumed: options.resumed, signal: options.signal }).run(options.operator);
  }

  /** A stored run's result as `plan` reads it. */
  resultOf<TResults>(plan: SagaPlan, record: SagaRecord): SagaResult<TResults> {
    return buildResult<TResults>(record, new SagaState(plan, record.checkpoints));
  }

  /** Throws `SAGA_STATE` when `record` belongs to a saga of another name. */
  assertOwnRecord(plan: SagaPlan, record: SagaRecord): void {
    if (record.sagaName !== plan.name) {
      throw new SagaStateError(`saga id ${record.sagaId} belongs to saga "${record.sagaName}", not "${plan.name}"; use a distinct sagaId per saga`, {
        details: { sagaId: record.sagaId, sagaName: record.sagaName },
      });
    }
  }

  /** Stops every run (they stay resumable, leases released), awaits them, removes every listener. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#close.abort();
    }
    await Promise.allSettled([...this.#running]);
    this.events.removeAllListeners();
  }

  #timeoutOf(step: PlannedStep): Timeout | undefined {
    if (!this.#timeouts.has(step)) this.#timeouts.set(step, stepTimeout(step.timeoutMs, this.options.clock));
    return this.#timeouts.get(step);
  }
}
