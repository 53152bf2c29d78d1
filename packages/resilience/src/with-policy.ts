import { invalidOptions } from './internal/options.js';
import type { Policy } from './policy.js';

/**
 * Options for {@link withPolicy}.
 *
 * @example
 * ```ts
 * const options: WithPolicyOptions = { signal: (args) => (args.at(-1) as { signal?: AbortSignal } | undefined)?.signal };
 * ```
 */
export interface WithPolicyOptions {
  /** Picks the caller's abort signal from the method's arguments, so policies can stop waiting. @defaultValue none */
  signal?: (args: readonly unknown[]) => AbortSignal | undefined;
}

/**
 * A standard (TC39, TypeScript 5+) method decorator that runs every call of an async method under
 * `policy`. The type checker refuses it on a method whose result type cannot hold the policy's
 * fallback value.
 *
 * @throws IapError `INVALID_OPTIONS` when applied to something other than a method.
 * @example
 * ```ts
 * const crmPolicy = pipeline(createRetry({ maxAttempts: 3 }), createCircuitBreaker({ name: 'crm' }));
 *
 * class CrmClient {
 *   @withPolicy(crmPolicy, { signal: (args) => (args[1] as { signal?: AbortSignal } | undefined)?.signal })
 *   async getAccount(id: string, _options?: { signal?: AbortSignal }): Promise<Account> {
 *     return (await fetch(`${this.baseUrl}/accounts/${id}`)).json() as Promise<Account>;
 *   }
 * }
 * ```
 */
export function withPolicy<TExtra = never>(policy: Policy<TExtra>, options: WithPolicyOptions = {}) {
  if (typeof policy !== 'object' || policy === null || typeof policy.execute !== 'function') throw invalidOptions('withPolicy', 'the first argument must be a policy');
  const pickSignal = options.signal;
  return function decorate<This, Args extends unknown[], R>(
    target: (this: This, ...args: Args) => Promise<R>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<R>>,
  ): (this: This, ...args: Args) => Promise<R | TExtra> {
    if (context.kind !== 'method') throw invalidOptions('withPolicy', `it decorates methods only (got a ${String(context.kind)})`);
    return function (this: This, ...args: Args): Promise<R | TExtra> {
      const call = (): Promise<R> => target.apply(this, args);
      return pickSignal === undefined ? policy.execute(call) : policy.execute(call, { signal: pickSignal(args), data: undefined });
    };
  };
}
