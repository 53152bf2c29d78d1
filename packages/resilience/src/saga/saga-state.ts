import { fromJsonText, parseStoredError, type StoredError } from './saga-json.js';
import type { SagaPlan } from './saga-plan.js';
import type { SagaCheckpoint, SagaCheckpointInput } from './saga-store.js';

interface DoneStep {
  readonly result: unknown;
  readonly seq: number;
  readonly skipped: boolean;
}

/**
 * @internal The state of one saga folded from its checkpoint log: which steps are done (with their
 * results, in completion order), which failed, which are compensated. For each step the latest
 * entry wins, so an operator retry after a failure simply appends newer entries.
 */
export class SagaState {
  readonly #plan: SagaPlan;
  readonly #done = new Map<string, DoneStep>();
  readonly #failed = new Map<string, StoredError>();
  readonly #compensated = new Map<string, number>();
  readonly #compensationFailed = new Map<string, StoredError>();
  readonly #unknownSteps = new Set<string>();
  #lastSeq = 0;

  constructor(plan: SagaPlan, checkpoints: readonly SagaCheckpoint[]) {
    this.#plan = plan;
    for (const checkpoint of checkpoints) this.apply(checkpoint);
  }

  /** The highest `seq` applied so far. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Steps named in the log that the plan does not have (the definition changed). */
  get unknownSteps(): readonly string[] {
    return [...this.#unknownSteps];
  }

  /** Folds one entry into the state. */
  apply(entry: SagaCheckpointInput): void {
    this.#lastSeq = Math.max(this.#lastSeq, entry.seq);
    const step = entry.step;
    if (step === undefined) return;
    if (!this.#plan.steps.has(step)) this.#unknownSteps.add(step);
    switch (entry.kind) {
      case 'step_completed':
        this.#done.set(step, { result: fromJsonText(entry.resultJson, `the result of step "${step}"`), seq: entry.seq, skipped: false });
        this.#failed.delete(step);
        break;
      case 'step_skipped':
        this.#done.set(step, { result: undefined, seq: entry.seq, skipped: true });
        this.#failed.delete(step);
        break;
      case 'step_failed':
        this.#failed.set(step, parseStoredError(entry.errorJson));
        break;
      case 'step_compensated':
      case 'compensation_skipped':
        this.#compensated.set(step, entry.seq);
        this.#compensationFailed.delete(step);
        break;
      case 'compensation_failed':
        this.#compensationFailed.set(step, parseStoredError(entry.errorJson));
        break;
      default:
        break;
    }
  }

  isDone(step: string): boolean {
    return this.#done.has(step);
  }

  /** True when every step of every stage is done. */
  allDone(): boolean {
    return this.#done.size >= this.#plan.steps.size && [...this.#plan.steps.keys()].every((s) => this.#done.has(s));
  }

  /** Index of the first stage with a step not done, or the number of stages. */
  firstIncompleteStage(): number {
    const index = this.#plan.stages.findIndex((stage) => stage.some((step) => !this.#done.has(step.name)));
    return index === -1 ? this.#plan.stages.length : index;
  }

  /** Results of the completed steps, by step name. */
  results(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [step, done] of this.#done) if (!done.skipped) out[step] = done.result;
    return out;
  }

  result(step: string): unknown {
    return this.#done.get(step)?.result;
  }

  /** Steps done (completed or skipped), in completion order. */
  completedSteps(): string[] {
    return [...this.#done.entries()].sort((a, b) => a[1].seq - b[1].seq).map(([step]) => step);
  }

  /** Steps compensated (or whose compensation was skipped), in compensation order. */
  compensatedSteps(): string[] {
    return [...this.#compensated.entries()].sort((a, b) => a[1] - b[1]).map(([step]) => step);
  }

  /** Steps whose latest action entry is a failure, with the error. */
  failedSteps(): Array<[string, StoredError]> {
    return [...this.#failed.entries()];
  }

  /** Steps whose latest compensation entry is a failure, with the error. */
  compensationFailures(): Array<[string, StoredError]> {
    return [...this.#compensationFailed.entries()];
  }

  /**
   * What is left to undo: completed (not skipped) steps before the pivot that have a compensation
   * and are not compensated yet, grouped by stage (a parallel group is undone as a group), latest
   * completed group first.
   */
  compensationGroups(): string[][] {
    const groups = new Map<number, { steps: string[]; lastSeq: number }>();
    for (const [name, done] of this.#done) {
      const step = this.#plan.steps.get(name);
      if (step === undefined || done.skipped || step.compensate === undefined || step.stage >= this.#plan.pivotStage) continue;
      if (this.#compensated.has(name)) continue;
      const group = groups.get(step.stage) ?? { steps: [], lastSeq: 0 };
      group.steps.push(name);
      group.lastSeq = Math.max(group.lastSeq, done.seq);
      groups.set(step.stage, group);
    }
    return [...groups.values()].sort((a, b) => b.lastSeq - a.lastSeq).map((g) => g.steps);
  }
}
