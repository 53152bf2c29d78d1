import { ErrorCode, hasErrorCode, IapError, type TypedEmitter } from '@iap/core';
import { RunLease } from './run-lease.js';
import { asError, definitionError } from './saga-errors.js';
import { SagaDeadlineError, SagaStateError } from './saga-errors.js';
import type { SagaEvents, SagaPhase } from './saga-events.js';
import { fromJsonText, toJsonText, toStoredError } from './saga-json.js';
import type { Timeout } from '../timeout.js';
import type { ResolvedRunnerOptions } from './saga-options.js';
import type { PlannedStep, SagaPlan } from './saga-plan.js';
import { buildResult, deadlineError, failureError, parseFailure, type SagaResult, type StoredFailure } from './saga-result.js';
import { SagaState } from './saga-state.js';
import type { SagaStatus } from './saga-status.js';
import type { SagaCheckpointInput, SagaRecord, SagaStore } from './saga-store.js';
import type { SignalFanout } from './signal-fanout.js';
import { runAttempts, type AttemptOutcome } from './step-attempts.js';

/** @internal An operator action applied before the execution continues. */
export interface OperatorAction {
  readonly kind: 'retry' | 'skip' | 'resolve';
  readonly note: string | undefined;
}

/** @internal What one execution needs from the runner driving it. */
export interface ExecutionEnvironment {
  readonly plan: SagaPlan;
  readonly options: ResolvedRunnerOptions;
  readonly emitter: TypedEmitter<SagaEvents>;
  readonly store: SagaStore;
  /** Aborts when the runner is closed. */
  readonly closeSignal: AbortSignal;
  /** Shares one listener per signal among the runs of the runner. */
  readonly fanout: SignalFanout;
  /** The timeout policy of a step's attempts (made once per step by the runner), or none. */
  readonly timeoutOf: (step: PlannedStep) => Timeout | undefined;
}

/** A checkpoint entry before the lease gives it a `seq`. */
interface EntryDraft {
  readonly kind: SagaCheckpointInput['kind'];
  readonly step: string | undefined;
  readonly resultJson?: string | undefined;
  readonly errorJson?: string | undefined;
  readonly attempts?: number | undefined;
  readonly note?: string | undefined;
}

type StepOutcome = { readonly ok: true } | { readonly ok: false; readonly step: string; readonly error: unknown; readonly attempts: number };

/**
 * @internal Drives one saga run, holding its lease: forward through the stages from the first
 * step not done, and on a failure before the pivot backward through the compensations, writing a
 * checkpoint after every step. Everything it knows comes from the store record, so a run that a
 * dead worker left behind continues exactly where its log ends.
 */
export class SagaExecution {
  readonly #env: ExecutionEnvironment;
  readonly #record: SagaRecord;
  readonly #resumed: boolean;
  readonly #state: SagaState;
  readonly #lease: RunLease;
  readonly #input: unknown;
  #status: SagaStatus;
  #failureJson: string | undefined;
  #failureOriginal: unknown;
  #compensationOriginal: unknown;

  constructor(env: ExecutionEnvironment, record: SagaRecord, options: { resumed: boolean; signal: AbortSignal | undefined }) {
    this.#env = env;
    this.#record = record;
    this.#resumed = options.resumed;
    this.#status = record.status;
    this.#failureJson = record.failureJson;
    this.#state = new SagaState(env.plan, record.checkpoints);
    this.#input = fromJsonText(record.inputJson, 'the saga input');
    const signals: Array<{ signal: AbortSignal; reason: () => unknown }> = [{ signal: env.closeSignal, reason: () => new IapError(ErrorCode.CLOSED, `saga "${record.sagaName}" was closed while running saga ${record.sagaId}; it stays resumable`) }];
    const { signal } = options;
    if (signal !== undefined) {
      signals.push({ signal, reason: () => new IapError(ErrorCode.ABORTED, `saga ${record.sagaId} aborted; it stays resumable`, { cause: signal.reason }) });
    }
    this.#lease = new RunLease({
      store: env.store,
      sagaId: record.sagaId,
      owner: env.options.workerId,
      clock: env.options.clock,
      leaseMs: env.options.leaseMs,
      version: record.version,
      lastSeq: this.#state.lastSeq,
      leaseExpiresAt: record.leaseExpiresAt ?? env.options.clock.now() + env.options.leaseMs,
      signals,
      fanout: env.fanout,
    });
  }

  /** Runs the saga until it is final or waits for an operator; applies `operator` first. */
  async run(operator?: OperatorAction): Promise<SagaResult<unknown>> {
    const { sagaId, sagaName } = this.#record;
    const events = this.#env.emitter;
    try {
      const unknown = this.#state.unknownSteps;
      if (unknown.length > 0) {
        throw definitionError(sagaName, `the log of saga ${sagaId} names steps the definition does not have (${unknown.map((s) => `"${s}"`).join(', ')}); deploy a definition that still has them to finish this saga`, {
          sagaId,
          steps: unknown,
        });
      }
      if (events.has('sagaStarted')) events.emit('sagaStarted', { sagaId, sagaName, status: this.#status, resumed: this.#resumed });
      if (operator !== undefined) await this.#applyOperator(operator);
      if (this.#status === 'running') await this.#forward();
      if (this.#status === 'compensating') await this.#backward();
      this.#lease.stopRenewing();
      const result = this.result();
      if (events.has('sagaFinished')) events.emit('sagaFinished', { sagaId, sagaName, status: this.#status, failedStep: result.failedStep });
      return result;
    } catch (error) {
      const reason = this.#lease.stop.stopped ? this.#lease.stop.reason : error;
      await this.#lease.release();
      this.#lease.stopRenewing();
      if (events.has('sagaStopped')) events.emit('sagaStopped', { sagaId, sagaName, reason: stopReason(reason), error: reason });
      throw reason;
    }
  }

  /** The result as the state stands now. */
  result(): SagaResult<unknown> {
    return buildResult(
      { sagaId: this.#record.sagaId, sagaName: this.#record.sagaName, status: this.#status, failureJson: this.#failureJson },
      this.#state,
      { failure: this.#failureOriginal, compensation: this.#compensationOriginal },
    );
  }

  async #applyOperator(operator: OperatorAction): Promise<void> {
    const note = operator.note;
    const saga = { sagaId: this.#record.sagaId, sagaName: this.#record.sagaName };
    const events = this.#env.emitter;
    if (operator.kind === 'resolve') {
      await this.#write([{ kind: 'resolved', step: undefined, note }], { status: 'resolved', release: true });
      return;
    }
    const skipped = operator.kind !== 'skip' ? [] : this.#status === 'failed' ? this.#state.failedSteps() : this.#state.compensationFailures();
    if (this.#status === 'failed') {
      const entries: EntryDraft[] =
        operator.kind === 'retry'
          ? [{ kind: 'operator_retry', step: undefined, note }]
          : skipped.map(([step]) => ({ kind: 'step_skipped', step, note }));
      await this.#write(entries, { status: 'running', failureJson: null });
      this.#failureOriginal = undefined;
    } else {
      const entries: EntryDraft[] =
        operator.kind === 'retry'
          ? [{ kind: 'operator_retry', step: undefined, note }]
          : skipped.map(([step]) => ({ kind: 'compensation_skipped', step, note }));
      await this.#write(entries, { status: 'compensating' });
      this.#compensationOriginal = undefined;
    }
    if (events.has('stepSkipped')) {
      const phase: SagaPhase = this.#status === 'running' ? 'action' : 'compensation';
      for (const [step] of skipped) events.emit('stepSkipped', { ...saga, step, phase });
    }
  }

  async #forward(): Promise<void> {
    const { plan } = this.#env;
    for (let stage = this.#state.firstIncompleteStage(); stage < plan.stages.length; stage = this.#state.firstIncompleteStage()) {
      const beforePivot = stage < plan.pivotStage;
      const pending = plan.stages[stage]!.filter((step) => !this.#state.isDone(step.name));
      const outcomes = await this.#settle(pending.map((step) => this.#runAction(step, beforePivot)));
      const failures = outcomes.filter((o): o is Extract<StepOutcome, { ok: false }> => !o.ok);
      if (failures.length > 0) {
        await this.#failForward(failures, beforePivot);
        return;
      }
    }
    if (this.#status === 'running') await this.#write([], { status: 'completed', release: true });
  }

  async #runAction(step: PlannedStep, beforePivot: boolean): Promise<StepOutcome> {
    const { sagaId, sagaName } = this.#record;
    const events = this.#env.emitter;
    const results = this.#state.results();
    const idempotencyKey = `${sagaId}:${step.name}`;
    const outcome = await this.#attempts(step, 'action', beforePivot ? this.#record.deadlineAt : undefined, (attempt, signal) =>
      step.action({
        sagaId,
        sagaName,
        step: step.name,
        input: this.#input,
        results,
        idempotencyKey,
        attempt,
        get signal() {
          return signal();
        },
      }),
    );
    if (!outcome.ok) return { ok: false, step: step.name, error: outcome.error, attempts: outcome.attempts };
    let resultJson: string | undefined;
    try {
      resultJson = toJsonText(outcome.value, `the result of step "${step.name}"`);
    } catch (error) {
      return { ok: false, step: step.name, error, attempts: outcome.attempts };
    }
    await this.#write([{ kind: 'step_completed', step: step.name, resultJson, attempts: outcome.attempts }], { final: () => this.#state.allDone(), status: 'completed' });
    if (events.has('stepCompleted')) events.emit('stepCompleted', { sagaId, sagaName, step: step.name, attempts: outcome.attempts });
    return { ok: true };
  }

  async #failForward(failures: ReadonlyArray<Extract<StepOutcome, { ok: false }>>, beforePivot: boolean): Promise<void> {
    const { sagaId, sagaName } = this.#record;
    const first = failures[0]!;
    const failure: StoredFailure = { step: first.step, error: toStoredError(first.error), deadline: SagaDeadlineError.isInstance(first.error) };
    const status: SagaStatus = beforePivot ? 'compensating' : 'failed';
    const failureJson = JSON.stringify(failure);
    await this.#write(
      failures.map((f) => ({ kind: 'step_failed' as const, step: f.step, errorJson: JSON.stringify(toStoredError(f.error)), attempts: f.attempts })),
      { status, failureJson, release: status === 'failed' },
    );
    this.#failureOriginal = first.error;
    const events = this.#env.emitter;
    if (events.has('stepFailed')) for (const f of failures) events.emit('stepFailed', { sagaId, sagaName, step: f.step, attempts: f.attempts, error: f.error });
  }

  async #backward(): Promise<void> {
    const { sagaId, sagaName } = this.#record;
    const failure = parseFailure(this.#failureJson);
    const reason =
      failure === undefined
        ? new SagaStateError(`saga "${sagaName}" ${sagaId} is compensating without a recorded failure`, { details: { sagaId } })
        : failureError(this.#record, failure, this.#failureOriginal);
    for (let groups = this.#state.compensationGroups(); groups.length > 0; groups = this.#state.compensationGroups()) {
      const group = groups[0]!.map((name) => this.#env.plan.steps.get(name)!);
      const outcomes = await this.#settle(group.map((step) => this.#runCompensation(step, reason)));
      const failures = outcomes.filter((o): o is Extract<StepOutcome, { ok: false }> => !o.ok);
      if (failures.length > 0) {
        await this.#write(
          failures.map((f) => ({ kind: 'compensation_failed' as const, step: f.step, errorJson: JSON.stringify(toStoredError(f.error)), attempts: f.attempts })),
          { status: 'compensation_failed', release: true },
        );
        this.#compensationOriginal = failures[0]!.error;
        const events = this.#env.emitter;
        if (events.has('compensationFailed')) for (const f of failures) events.emit('compensationFailed', { sagaId, sagaName, step: f.step, attempts: f.attempts, error: f.error });
        return;
      }
    }
    if (this.#status === 'compensating') await this.#write([], { status: 'compensated', release: true });
  }

  async #runCompensation(step: PlannedStep, reason: IapError): Promise<StepOutcome> {
    const { sagaId, sagaName } = this.#record;
    const events = this.#env.emitter;
    const compensate = step.compensate!;
    const result = this.#state.result(step.name);
    const idempotencyKey = `${sagaId}:${step.name}`;
    const outcome = await this.#attempts(step, 'compensation', undefined, (attempt, signal) =>
      compensate({
        sagaId,
        sagaName,
        step: step.name,
        input: this.#input,
        result,
        idempotencyKey,
        attempt,
        reason,
        get signal() {
          return signal();
        },
      }),
    );
    if (!outcome.ok) return { ok: false, step: step.name, error: outcome.error, attempts: outcome.attempts };
    await this.#write([{ kind: 'step_compensated', step: step.name, attempts: outcome.attempts }], { final: () => this.#state.compensationGroups().length === 0, status: 'compensated' });
    if (events.has('stepCompensated')) events.emit('stepCompensated', { sagaId, sagaName, step: step.name, attempts: outcome.attempts });
    return { ok: true };
  }

  /** Runs the attempts of an action or a compensation with its retry and timeout policies, deadline and events. */
  #attempts<T>(step: PlannedStep, phase: SagaPhase, deadlineAt: number | undefined, run: (attempt: number, signal: () => AbortSignal) => Promise<T> | T): Promise<AttemptOutcome<T>> {
    const { sagaId, sagaName } = this.#record;
    const { options, emitter: events } = this.#env;
    return runAttempts({
      run,
      policy: phase === 'action' ? step.retry : step.compensationRetry,
      timeout: this.#env.timeoutOf(step),
      shouldRetry: step.shouldRetry,
      clock: options.clock,
      random: options.random,
      stop: this.#lease.stop,
      deadlineAt,
      deadlineError: (last) => deadlineError(sagaId, sagaName, step.name, last),
      onAttempt: (attempt) => {
        this.#lease.throwIfStopped();
        if (events.has('stepStarted')) events.emit('stepStarted', { sagaId, sagaName, step: step.name, phase, attempt });
      },
      onRetry: (attempt, delayMs, error) => {
        if (events.has('stepRetrying')) events.emit('stepRetrying', { sagaId, sagaName, step: step.name, phase, attempt, delayMs, error });
      },
    });
  }

  /**
   * Appends entries (folding them into the local state at once) and writes them with the lease.
   * With `final`, the status change and lease release ride on the same write when `final()` holds
   * after the entries are folded (the last step of a saga costs no extra write).
   */
  #write(entries: readonly EntryDraft[], change: { status?: SagaStatus; failureJson?: string | null; release?: boolean; final?: () => boolean }): Promise<void> {
    const full: SagaCheckpointInput[] = entries.map((e) => ({
      seq: this.#lease.nextSeq(),
      kind: e.kind,
      step: e.step,
      resultJson: e.resultJson,
      errorJson: e.errorJson,
      attempts: e.attempts,
      note: e.note,
    }));
    for (const entry of full) this.#state.apply(entry);
    const applies = change.final === undefined || change.final();
    const status = applies ? change.status : undefined;
    const release = change.final === undefined ? change.release === true : applies;
    if (status !== undefined) this.#status = status;
    if (change.failureJson !== undefined) this.#failureJson = change.failureJson ?? undefined;
    return this.#lease.write({
      entries: full,
      ...(status === undefined ? {} : { status }),
      ...(change.failureJson === undefined ? {} : { failureJson: change.failureJson }),
      release,
    });
  }

  /** Waits for every step of a group; rethrows a stop reason (or store failure) after all settled. */
  async #settle(work: ReadonlyArray<Promise<StepOutcome>>): Promise<StepOutcome[]> {
    const settled = await Promise.allSettled(work);
    if (this.#lease.stop.stopped) throw asError(this.#lease.stop.reason);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<StepOutcome>).value);
  }
}

function stopReason(error: unknown): 'aborted' | 'closed' | 'lease_lost' | 'error' {
  if (hasErrorCode(error, ErrorCode.ABORTED)) return 'aborted';
  if (hasErrorCode(error, ErrorCode.CLOSED)) return 'closed';
  if (hasErrorCode(error, ErrorCode.LEASE_LOST)) return 'lease_lost';
  return 'error';
}
