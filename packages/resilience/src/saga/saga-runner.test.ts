import { ErrorCode, hasErrorCode, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';
import { defineSaga } from './saga-definition.js';
import { createSagaRunner } from './saga-runner.js';

const isInvalidOptions = (e: unknown) => hasErrorCode(e, ErrorCode.INVALID_OPTIONS);

function setup() {
  const clock = new ManualClock(1_000);
  const store = createInMemorySagaStore();
  return { clock, store, options: { store, clock, retry: { maxAttempts: 1 }, compensationRetry: { maxAttempts: 1 } } };
}

describe('saga definition and runner', () => {
  it('a definition is plain data: no runtime calls, and each builder call leaves it as it was', () => {
    const base = defineSaga('order');
    const one = base.step({ name: 'reserve', action: () => 'r' });
    expect(base.stepNames).toEqual([]);
    expect(one.stepNames).toEqual(['reserve']);
    for (const member of ['on', 'off', 'run', 'resume', 'close']) expect(member in one).toBe(false);
  });

  it('listeners attach to the runner, which drives the definition and emits its events', async () => {
    const { options } = setup();
    const definition = defineSaga<{ sku: string }>('order', options).step({ name: 'reserve', action: ({ input }) => `r-${input.sku}` });
    const runner = createSagaRunner(definition, options);
    const seen: string[] = [];
    runner.on('stepCompleted', (e) => seen.push(`${e.sagaId}:${e.step}`));
    const result = await runner.run({ sku: 'A1' }, { sagaId: 'o-1' });
    expect(result).toMatchObject({ status: 'completed', results: { reserve: 'r-A1' } });
    expect(seen).toEqual(['o-1:reserve']);
    expect(runner.definition).toBe(definition);
    expect(runner.name).toBe('order');
  });

  it('two runners of one definition are two workers: own listeners, own close()', async () => {
    const { options } = setup();
    const definition = defineSaga('shared', options).step({ name: 'a', action: () => 1 });
    const first = createSagaRunner(definition, { ...options, workerId: 'w1' });
    const second = createSagaRunner(definition, { ...options, workerId: 'w2' });
    const heard: string[] = [];
    first.on('sagaFinished', (e) => heard.push(`first:${e.sagaId}`));
    second.on('sagaFinished', (e) => heard.push(`second:${e.sagaId}`));
    await first.run(undefined, { sagaId: 's-1' });
    await first.close();
    await second.run(undefined, { sagaId: 's-2' });
    expect(heard).toEqual(['first:s-1', 'second:s-2']);
    await expect(first.run(undefined, { sagaId: 's-3' })).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.CLOSED));
  });

  it('createSagaRunner takes a definition from defineSaga() or a saga\'s definition, nothing else', () => {
    const saga = createSaga('s').step({ name: 'a', action: () => 1 });
    expect(() => createSagaRunner(saga as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(() => createSagaRunner({ name: 's', stepNames: [] } as never)).toThrow(/defineSaga\(\)/);
    expect(createSagaRunner(saga.definition).name).toBe('s');
    expect(() => createSagaRunner(defineSaga('s'), { leaseMs: 0 })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(() => defineSaga('s', { retry: { maxAttempts: 0 } })).toThrow(/defineSaga\("s"\) option retry: invalid retry policy: maxAttempts/);
  });

  it('rejects calls without a store with INVALID_OPTIONS', async () => {
    const runner = createSagaRunner(defineSaga('no-store').step({ name: 'a', action: () => 1 }));
    await expect(runner.run(undefined)).rejects.toSatisfy(isInvalidOptions);
    await expect(runner.get('x')).rejects.toSatisfy(isInvalidOptions);
  });
});

describe('createSaga: one runner behind the sagas built from it', () => {
  it('a listener subscribed before step() hears the runs of the finished saga', async () => {
    const { options } = setup();
    const base = createSaga<{ orderId: string }>('order', options);
    const seen: string[] = [];
    base.on('stepCompleted', (e) => seen.push(e.step));
    base.on('sagaFinished', (e) => seen.push(`finished:${e.status}`));
    const saga = base.step({ name: 'reserve', action: () => 'r' }).pivot().step({ name: 'ship', action: () => 's' });
    expect((await saga.run({ orderId: 'o-1' })).status).toBe('completed');
    expect(seen).toEqual(['reserve', 'ship', 'finished:completed']);
  });

  it('an unsubscribed listener hears nothing, and off() works from any saga of the chain', async () => {
    const { options } = setup();
    const base = createSaga('order', options);
    const seen: string[] = [];
    const listener = (e: { step: string }) => seen.push(e.step);
    base.on('stepCompleted', listener);
    const saga = base.step({ name: 'a', action: () => 1 });
    saga.off('stepCompleted', listener);
    await saga.run(undefined);
    expect(seen).toEqual([]);
  });

  it('close() on the finished saga closes every saga built from the same createSaga()', async () => {
    const { options } = setup();
    const base = createSaga('closable', options);
    const seen: string[] = [];
    base.on('sagaStarted', (e) => seen.push(e.sagaId));
    const saga = base.step({ name: 'a', action: () => 1 });
    await saga.close();
    await expect(base.step({ name: 'b', action: () => 1 }).run(undefined)).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.CLOSED));
    await expect(saga.resume()).rejects.toSatisfy((e) => hasErrorCode(e, ErrorCode.CLOSED));
    expect(seen).toEqual([]);
  });

  it('the saga exposes its definition, which a separate runner can drive', async () => {
    const { options } = setup();
    const saga = createSaga('order', options).step({ name: 'a', action: () => 'done' });
    expect(saga.definition.stepNames).toEqual(['a']);
    expect(saga.stepNames).toEqual(['a']);
    const result = await createSagaRunner(saga.definition, options).run(undefined, { sagaId: 'd-1' });
    expect(result).toMatchObject({ status: 'completed', results: { a: 'done' } });
  });
});
