// Type-level tests of what composed policies return. Checked by `pnpm typecheck` twice: with the
// package's own settings and with `exactOptionalPropertyTypes` off (tsconfig.loose-optional.json),
// the default of most users, where a type inferred from an optional property gains `| undefined`.
import { expectTypeOf } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker/circuit-breaker.js';
import { createFallback, type Fallback } from './fallback.js';
import { pipeline } from './pipeline.js';
import type { Policy, PolicyExtra } from './policy.js';
import { createRetry } from './retry/retry.js';
import { createTimeout } from './timeout.js';
import { withPolicy } from './with-policy.js';

const crm = pipeline(createRetry({ maxAttempts: 3 }), createCircuitBreaker({ name: 'crm' }), createTimeout({ timeoutMs: 2_000 }));

// issue 18: `const n: number = await pipeline(...).execute(async () => 1)` was TS2322 (number | undefined)
export async function pipelineWithoutFallback(): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/require-await -- the issue's expression, as written
  const n: number = await crm.execute(async () => 1);
  expectTypeOf(crm.execute(() => Promise.resolve(1))).resolves.toEqualTypeOf<number>();
  expectTypeOf(crm.execute(({ data }) => data.id, { signal: undefined, data: { id: 'a' } })).resolves.toEqualTypeOf<string>();
  return n;
}

expectTypeOf<PolicyExtra<typeof crm>>().toEqualTypeOf<never>();
expectTypeOf<PolicyExtra<Fallback<null>>>().toEqualTypeOf<null>();
expectTypeOf<PolicyExtra<Fallback<undefined>>>().toEqualTypeOf<undefined>(); // a fallback of undefined is kept
expectTypeOf<PolicyExtra<Policy>>().toEqualTypeOf<never>();
expectTypeOf(pipeline(createFallback({ value: null }), crm).execute(() => Promise.resolve(1))).resolves.toEqualTypeOf<number | null>();
expectTypeOf(pipeline(createFallback({ value: 0 as const }), createRetry()).execute(() => 'x' as const)).resolves.toEqualTypeOf<'x' | 0>();

// issue 18: the README's decorator example (a pipeline without fallback on a method returning Promise<Account>)
interface Account {
  readonly id: string;
}
export class CrmClient {
  @withPolicy(crm)
  async getAccount(id: string): Promise<Account> {
    return Promise.resolve({ id });
  }

  @withPolicy(pipeline(createFallback({ value: null }), crm))
  async findAccount(id: string): Promise<Account | null> {
    return Promise.resolve({ id });
  }
}
expectTypeOf(new CrmClient().getAccount('1')).resolves.toEqualTypeOf<Account>();
