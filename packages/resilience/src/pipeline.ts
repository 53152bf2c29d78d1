import { EMPTY_CONTEXT } from './internal/empty-context.js';
import { invalidOptions } from './internal/options.js';
import type { ExecutionContext, Policy, PolicyExtra } from './policy.js';
import { notAFunction } from './internal/not-a-function.js';

/**
 * The policy returned by {@link pipeline}.
 *
 * @example
 * ```ts
 * const crm: Pipeline = pipeline(createRetry(), createCircuitBreaker({ name: 'crm' }));
 * console.log(crm.policies.length); // 2
 * ```
 */
export interface Pipeline<TExtra = never> extends Policy<TExtra> {
  /** The composed policies, outermost first. */
  readonly policies: readonly Policy<unknown>[];
}

class PipelineImpl implements Pipeline<unknown> {
  readonly policies: readonly Policy<unknown>[];

  constructor(policies: readonly Policy<unknown>[]) {
    this.policies = policies;
  }

  execute<T, TData = undefined>(fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context?: ExecutionContext<TData>): Promise<unknown> {
    if (typeof fn !== 'function') return notAFunction('pipeline');
    return this.#run(0, fn, context ?? (EMPTY_CONTEXT as ExecutionContext<TData>));
  }

  #run<T, TData>(index: number, fn: (context: ExecutionContext<TData>) => T | PromiseLike<T>, context: ExecutionContext<TData>): Promise<unknown> {
    const policy = this.policies[index]!;
    if (index === this.policies.length - 1) return policy.execute(fn, context);
    return policy.execute((inner: ExecutionContext<TData>) => this.#run(index + 1, fn, inner), context);
  }
}

/**
 * Composes policies into one: `pipeline(a, b, c).execute(fn)` runs `a(b(c(fn)))`, the first policy
 * outermost. The caller's context (abort signal and typed data) flows through every layer; a
 * timeout layer replaces the signal for the layers inside it with one that also aborts at its
 * deadline.
 *
 * Recommended order, outermost first: fallback, retry, circuit breaker, rate limiter, bulkhead,
 * timeout. The retry then sees the breaker's fast `CircuitOpenError` (retryable, with a
 * Retry-After hint), the breaker counts each attempt and each timeout, and the timeout bounds one
 * attempt rather than all of them (put a second timeout outside the retry to bound the total).
 *
 * @throws IapError `INVALID_OPTIONS` when no policy is given or one is not a policy.
 * @example
 * ```ts
 * const crmCall = pipeline(createRetry({ maxAttempts: 3 }), createCircuitBreaker({ name: 'crm' }), createTimeout({ timeoutMs: 2_000 }));
 * const account = await crmCall.execute(({ signal, data }) => crm.getAccount(data.id, { signal }), { signal: request.signal, data: { id: '42' } });
 * ```
 */
export function pipeline<P extends readonly Policy<unknown>[]>(...policies: P): Pipeline<PolicyExtra<P[number]>> {
  if (policies.length === 0) throw invalidOptions('pipeline', 'give at least one policy');
  policies.forEach((policy, index) => {
    if (typeof policy !== 'object' || policy === null || typeof policy.execute !== 'function') {
      throw invalidOptions('pipeline', `argument ${index} is not a policy (it has no execute method)`);
    }
  });
  return new PipelineImpl([...policies]);
}
