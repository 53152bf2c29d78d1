/** The deterministic inputs of the crash test's sagas, shared by the worker and the checks. */
export interface CrashSagaInput {
  readonly index: number;
  readonly amount: number;
  /** `charge` fails for good: the saga compensates `reserve` and `loyalty`. */
  readonly declined: boolean;
  /** `ship` fails on its first attempt in each process (after the pivot: retried forward). */
  readonly flakyShipping: boolean;
}

/** The input of saga `crash-<index>`. */
export function crashSagaInput(index: number): CrashSagaInput {
  return { index, amount: (index % 9) + 1, declined: index % 5 === 0, flakyShipping: index % 7 === 0 };
}
