import { ErrorCode, hasErrorCode } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ResilienceErrorCode } from '../resilience-error-codes.js';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';
import { isSagaDefinitionError } from './saga-errors.js';
import type { SagaResult } from './saga-result.js';
import type { SagaStepDefinition } from './saga-step.js';

const noop = () => undefined;
const isInvalidOptions = (e: unknown) => hasErrorCode(e, ErrorCode.INVALID_OPTIONS);

describe('createSaga: definition', () => {
  it('builds immutably: each step returns a new saga', () => {
    const base = createSaga('order');
    const one = base.step({ name: 'a', action: noop });
    const two = one.step({ name: 'b', action: noop });
    expect(base.stepNames).toEqual([]);
    expect(one.stepNames).toEqual(['a']);
    expect(two.stepNames).toEqual(['a', 'b']);
    expect(two.name).toBe('order');
  });

  it.each([
    ['an empty name', () => createSaga('')],
    ['a blank name', () => createSaga('   ')],
    ['a name with control characters', () => createSaga('a\nb')],
    ['a duplicate step', () => createSaga('s').step({ name: 'a', action: noop }).step({ name: 'a', action: noop })],
    ['a duplicate inside a group', () => createSaga('s').parallel((g) => g.step({ name: 'x', action: noop }).step({ name: 'x', action: noop }))],
    ['a group step named like an earlier step', () => createSaga('s').step({ name: 'x', action: noop }).parallel((g) => g.step({ name: 'x', action: noop }))],
    ['an empty step name', () => createSaga('s').step({ name: '', action: noop })],
    ['a step name of 201 characters', () => createSaga('s').step({ name: 'x'.repeat(201), action: noop })],
    ['a missing action', () => createSaga('s').step({ name: 'a' } as unknown as SagaStepDefinition<unknown, unknown, 'a', unknown>)],
    ['a non-function compensation', () => createSaga('s').step({ name: 'a', action: noop, compensate: 'undo' as unknown as () => void })],
    ['pivot() before any step', () => createSaga('s').pivot()],
    ['pivot() twice', () => createSaga('s').step({ name: 'a', action: noop }).pivot().step({ name: 'b', action: noop }).pivot()],
    ['a compensation after the pivot', () => createSaga('s').step({ name: 'a', action: noop }).pivot().step({ name: 'b', action: noop, compensate: noop })],
    ['an empty parallel group', () => createSaga('s').parallel((g) => g)],
    ['a parallel callback that returns something else', () => createSaga('s').parallel(() => ({ step: noop }) as never)],
  ])('throws SAGA_DEFINITION for %s', (_, build) => {
    expect(build).toThrow(expect.objectContaining({ code: ResilienceErrorCode.SAGA_DEFINITION }));
    try {
      build();
    } catch (error) {
      expect(isSagaDefinitionError(error)).toBe(true);
    }
  });

  it.each([
    ['leaseMs 0', () => createSaga('s', { leaseMs: 0 })],
    ['leaseMs NaN', () => createSaga('s', { leaseMs: Number.NaN })],
    ['pollIntervalMs negative', () => createSaga('s', { pollIntervalMs: -1 })],
    ['an empty workerId', () => createSaga('s', { workerId: '' })],
    ['a retry policy with maxAttempts 0', () => createSaga('s', { retry: { maxAttempts: 0 } })],
    ['a compensation retry policy with a negative delay', () => createSaga('s', { compensationRetry: { backoff: { kind: 'constant', delayMs: -5 } } })],
    ['a store that is not a store', () => createSaga('s', { store: {} as never })],
    ['a clock without setTimeout', () => createSaga('s', { clock: { now: () => 1 } as never })],
    ['a step timeoutMs of 0', () => createSaga('s').step({ name: 'a', action: noop, timeoutMs: 0 })],
    ['a step timeoutMs of Infinity', () => createSaga('s').step({ name: 'a', action: noop, timeoutMs: Number.POSITIVE_INFINITY })],
    ['a step retry with multiplier 0.5', () => createSaga('s').step({ name: 'a', action: noop, retry: { backoff: { kind: 'exponential', initialDelayMs: 1, multiplier: 0.5 } } })],
  ])('throws INVALID_OPTIONS at construction for %s', (_, build) => {
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });

  it('names the step in an invalid step option message', () => {
    expect(() => createSaga('order').step({ name: 'charge', action: noop, retry: { maxAttempts: -1 } })).toThrow(/saga "order" step "charge" option retry: invalid retry policy: maxAttempts/);
  });

  it('rejects invalid run and resume options with INVALID_OPTIONS', async () => {
    const saga = createSaga('s').step({ name: 'a', action: noop });
    const store = createInMemorySagaStore();
    await expect(saga.run(undefined)).rejects.toSatisfy(isInvalidOptions);
    await expect(saga.run(undefined, { store, sagaId: '' })).rejects.toSatisfy(isInvalidOptions);
    await expect(saga.run(undefined, { store, deadlineMs: -1 })).rejects.toSatisfy(isInvalidOptions);
    await expect(saga.run(undefined, { store: { get: noop } as never })).rejects.toSatisfy(isInvalidOptions);
    await expect(saga.resume({ store, concurrency: 0 })).rejects.toSatisfy(isInvalidOptions);
    await expect(saga.resume({ store, limit: 1.5 })).rejects.toSatisfy(isInvalidOptions);
    await expect(saga.retry('x', { store, note: 'n'.repeat(2001) })).rejects.toSatisfy(isInvalidOptions);
    await expect(createSaga('empty').run(undefined, { store })).rejects.toSatisfy(isSagaDefinitionError);
  });

  it('never crashes on arbitrary step definitions: they build or throw a typed IapError', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (name, timeoutMs, retry) => {
        try {
          createSaga('fuzz').step({ name, action: noop, timeoutMs, retry } as never);
        } catch (error) {
          expect(hasErrorCode(error, ResilienceErrorCode.SAGA_DEFINITION) || hasErrorCode(error, ErrorCode.INVALID_OPTIONS)).toBe(true);
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it('types the results of earlier steps, parallel groups and the final result', () => {
    const _saga = createSaga<{ sku: string }>('typed')
      .step({
        name: 'reserve',
        action: ({ input }) => ({ reservationId: input.sku }),
        compensate: ({ result }) => {
          expectTypeOf(result).toEqualTypeOf<{ reservationId: string }>();
        },
      })
      .parallel((group) =>
        group
          .step({ name: 'charge', action: ({ results }) => Promise.resolve({ chargeId: results.reserve.reservationId.length }) })
          .step({ name: 'points', action: () => 3 as const }),
      )
      .pivot()
      .step({
        name: 'ship',
        action: ({ results }) => {
          expectTypeOf(results.charge).toEqualTypeOf<{ chargeId: number }>();
          expectTypeOf(results.points).toEqualTypeOf<3>();
          return 'tracking-1';
        },
      });
    type Results = typeof _saga extends { run: (...args: never[]) => Promise<SagaResult<infer R>> } ? R : never;
    expectTypeOf<Results['ship']>().toEqualTypeOf<string>();
    expectTypeOf<Results['reserve']>().toEqualTypeOf<{ reservationId: string }>();
  });
});
