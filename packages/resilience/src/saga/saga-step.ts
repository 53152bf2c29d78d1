import type { IapError, RetryPolicyOptions } from '@iap/core';

/**
 * What a step's action receives.
 *
 * @example
 * ```ts
 * action: ({ input, results, idempotencyKey, signal }) => payments.charge(input.amount, results.reserve.id, { idempotencyKey, signal })
 * ```
 */
export interface SagaStepContext<TInput, TResults> {
  readonly sagaId: string;
  readonly sagaName: string;
  /** This step's name. */
  readonly step: string;
  /** The saga input (after a restart: as stored, i.e. through JSON). */
  readonly input: TInput;
  /** Results of the steps before this one (for a parallel group: of the steps before the group). */
  readonly results: Readonly<TResults>;
  /**
   * `<sagaId>:<step>`: the same on every attempt and after every restart. Pass it to the service
   * you call so a repeated call is applied once.
   */
  readonly idempotencyKey: string;
  /** 1 for the first attempt in this process, then 2, 3, ... */
  readonly attempt: number;
  /**
   * Aborts when this attempt times out, when the run's signal aborts, when the saga is closed or when
   * this worker lost the saga's lease. Pass it on to the calls you make.
   */
  readonly signal: AbortSignal;
}

/**
 * What a step's compensation receives.
 *
 * @example
 * ```ts
 * compensate: ({ result, idempotencyKey }) => payments.refund(result.chargeId, { idempotencyKey: `${idempotencyKey}:refund` })
 * ```
 */
export interface SagaCompensationContext<TInput, TResult> {
  readonly sagaId: string;
  readonly sagaName: string;
  readonly step: string;
  readonly input: TInput;
  /** What this step's action returned (after a restart: as stored, i.e. through JSON). */
  readonly result: TResult;
  /** The same key the action received: `<sagaId>:<step>`. */
  readonly idempotencyKey: string;
  readonly attempt: number;
  /** Why the saga is compensating: the failed step's error (code `SAGA_STEP_FAILED`) or `SAGA_DEADLINE`. */
  readonly reason: IapError;
  readonly signal: AbortSignal;
}

/**
 * One step of a saga: an action and, before the pivot, the compensation that undoes it.
 *
 * @typeParam TInput - the saga input.
 * @typeParam TResults - results of the earlier steps, by step name.
 * @typeParam TName - this step's name (a literal type).
 * @typeParam TResult - what the action returns; must be JSON-serialisable (it is checkpointed).
 *
 * @example
 * ```ts
 * saga.step({ name: 'charge', action: ({ input, idempotencyKey }) => pay(input, idempotencyKey), compensate: ({ result }) => refund(result.id), retry: { maxAttempts: 5 }, timeoutMs: 5_000 });
 * ```
 */
export interface SagaStepDefinition<TInput, TResults, TName extends string, TResult> {
  /** Unique within the saga; part of the idempotency key. 1 to 200 characters, no control characters. */
  readonly name: TName;
  /** Does the work. Must be idempotent per `idempotencyKey`: after a crash it may run again. */
  readonly action: (context: SagaStepContext<TInput, TResults>) => Promise<TResult> | TResult;
  /**
   * Undoes the action, given its result. Must be idempotent too. Not allowed after `pivot()`.
   * Omit it for steps with nothing to undo (reads, notifications).
   */
  readonly compensate?: (context: SagaCompensationContext<TInput, TResult>) => Promise<void> | void;
  /**
   * Retry policy of the action (core's `RetryPolicyOptions`).
   * @defaultValue the saga's `retry` option
   */
  readonly retry?: RetryPolicyOptions;
  /**
   * Retry policy of the compensation; when it is exhausted the saga becomes `compensation_failed`.
   * @defaultValue the saga's `compensationRetry` option
   */
  readonly compensationRetry?: RetryPolicyOptions;
  /**
   * Time limit of one attempt (action or compensation), in ms. On expiry the attempt's `signal`
   * aborts and the attempt fails with a retryable `TIMEOUT` error.
   * @defaultValue no limit
   */
  readonly timeoutMs?: number;
  /**
   * Whether a failed attempt may be retried.
   * @defaultValue the saga's `shouldRetry` option
   */
  readonly shouldRetry?: (error: unknown) => boolean;
}
