import { ErrorCode, hasErrorCode, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';

const DAY = 86_400_000;

function setup() {
  const clock = new ManualClock(0);
  const store = createInMemorySagaStore();
  const order = createSaga<{ ok: boolean }>('order', { store, clock, retry: { maxAttempts: 1 } })
    .step({ name: 'reserve', action: () => 'r', compensate: () => undefined })
    .step({
      name: 'charge',
      action: ({ input }) => {
        if (!input.ok) throw new Error('card declined');
        return 'c';
      },
    });
  const other = createSaga('refund', { store, clock }).step({ name: 'refund', action: () => 'done' });
  return { clock, store, order, other };
}

describe('saga.purge()', () => {
  it('removes finished runs older than olderThanMs, oldest first, in pages; keeps newer runs and other sagas', async () => {
    const { clock, store, order, other } = setup();
    await order.run({ ok: true }, { sagaId: 'o-1' }); // completed at day 0
    clock.advance(DAY);
    await order.run({ ok: false }, { sagaId: 'o-2' }); // compensated at day 1
    await other.run(undefined, { sagaId: 'r-1' });
    clock.advance(DAY);
    await order.run({ ok: true }, { sagaId: 'o-3' }); // completed at day 2
    clock.advance(DAY / 2);

    expect(await order.purge({ olderThanMs: DAY, limit: 1 })).toBe(1);
    expect(await order.get('o-1')).toBeUndefined();
    expect(await order.purge({ olderThanMs: DAY })).toBe(1);
    expect(await order.get('o-2')).toBeUndefined();
    expect(await order.get('o-3')).toMatchObject({ status: 'completed' });
    expect(await other.get('r-1')).toMatchObject({ status: 'completed' });
    expect(store.size).toBe(2);
    // a purged id is free again: running it starts a new saga
    expect(await order.run({ ok: true }, { sagaId: 'o-1' })).toMatchObject({ status: 'completed' });
  });

  it('never removes runs waiting for an operator, and says so when asked to', async () => {
    const { clock, order } = setup();
    const stuck = createSaga('stuck', { store: createInMemorySagaStore(), clock, retry: { maxAttempts: 1 }, compensationRetry: { maxAttempts: 1 } })
      .step({ name: 'charge', action: () => 'c', compensate: () => Promise.reject(new Error('refund API down')) })
      .step({ name: 'check', action: () => Promise.reject(new Error('fraud')) });
    await stuck.run(undefined, { sagaId: 's-1' });
    clock.advance(10 * DAY);
    expect(await stuck.purge({ olderThanMs: DAY })).toBe(0);
    expect(await stuck.get('s-1')).toMatchObject({ status: 'compensation_failed' });
    for (const options of [{ olderThanMs: 0 }, { olderThanMs: DAY, limit: 0 }, { olderThanMs: DAY, statuses: ['failed'] }, { olderThanMs: DAY, statuses: [] }]) {
      await expect(order.purge(options as never), JSON.stringify(options)).rejects.toSatisfy((error) => hasErrorCode(error, ErrorCode.INVALID_OPTIONS));
    }
  });
});
