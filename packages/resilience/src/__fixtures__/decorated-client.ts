// Real TC39 decorator syntax. Type-checked by `pnpm typecheck`; the with-policy test compiles it with
// the TypeScript compiler (which lowers standard decorators) and runs it. No runtime imports, so the
// compiled module runs from a temporary directory.
import type { Policy } from '../policy.js';
import type { withPolicy as WithPolicy } from '../with-policy.js';

export function defineCrmClient(withPolicy: typeof WithPolicy, retrying: Policy, withNullFallback: Policy<null>) {
  class CrmClient {
    attempts = 0;

    constructor(readonly tenant: string) {}

    @withPolicy(retrying)
    async getAccount(id: string): Promise<string> {
      this.attempts++;
      if (this.attempts < 3) throw new Error(`attempt ${this.attempts} failed`);
      return Promise.resolve(`${this.tenant}/${id}`);
    }

    @withPolicy(withNullFallback)
    async findAccount(id: string): Promise<string | null> {
      return Promise.reject(new Error(`no account ${id}`));
    }

    @withPolicy(retrying, { signal: (args) => args[1] as AbortSignal | undefined })
    async cancellable(_id: string, _signal?: AbortSignal): Promise<string> {
      return Promise.reject(new Error('always fails'));
    }
  }

  class Misuse {
    // @ts-expect-error the method's result type cannot hold the fallback's null
    @withPolicy(withNullFallback)
    async mustReturnString(): Promise<string> {
      return Promise.resolve('x');
    }
  }

  return { CrmClient, Misuse };
}
