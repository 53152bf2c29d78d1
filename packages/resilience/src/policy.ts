/** Type-only key of the {@link Policy} marker; no such value exists at run time. */
declare const policyExtra: unique symbol;

/**
 * What every policy passes to the function it runs: the abort signal (the caller's, or one a
 * timeout policy derived from it) and the caller's typed data, unchanged through every layer.
 *
 * @example
 * ```ts
 * await policy.execute(({ signal, data }) => crm.getAccount(data.accountId, { signal }), { signal: request.signal, data: { accountId } });
 * ```
 */
export interface ExecutionContext<TData = undefined> {
  /** Aborts when the caller aborts or a timeout policy gives up; `undefined` when nobody can abort. */
  readonly signal: AbortSignal | undefined;
  /** The caller's data, passed unchanged to every layer and to the function. */
  readonly data: TData;
}

/**
 * The contract every resilience policy implements, so policies compose with {@link pipeline} and
 * the {@link withPolicy} decorator. `TExtra` is what the policy may return instead of the
 * function's own result (a fallback value); `never` for every other policy.
 *
 * @example
 * ```ts
 * const value = await policy.execute(() => fetchRates());
 * const account = await policy.execute(({ data }) => crm.getAccount(data), { signal: undefined, data: 'acc-42' });
 * ```
 */
export interface Policy<TExtra = never> {
  /**
   * Type-only marker of `TExtra` (never present at run time), so {@link PolicyExtra} and
   * {@link pipeline} can tell what a composed policy may return. A function type, so that reading
   * it back from this optional property gives `TExtra` itself, with or without
   * `exactOptionalPropertyTypes` (an optional `TExtra` would come back as `TExtra | undefined`).
   */
  readonly [policyExtra]?: () => TExtra;
  /**
   * Runs `fn` under the policy.
   * @throws whatever `fn` throws, or the policy's own error (`CircuitOpenError`, `TimeoutError`, ...).
   */
  execute<T>(fn: (context: ExecutionContext) => T | PromiseLike<T>): Promise<T | TExtra>;
  /**
   * Runs `fn` under the policy with a context (abort signal and typed data).
   * @throws whatever `fn` throws, or the policy's own error (`CircuitOpenError`, `TimeoutError`, ...).
   */
  execute<T, TData>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context: ExecutionContext<TData>): Promise<T | TExtra>;
}

/**
 * The `TExtra` of a policy type: what it may return instead of the function's result (`unknown`
 * for a hand-written policy that does not declare it).
 *
 * @example
 * ```ts
 * type Extra = PolicyExtra<Fallback<null>>; // null
 * ```
 */
export type PolicyExtra<P> = P extends { readonly [policyExtra]?: (() => infer TExtra) | undefined } ? TExtra : never;
