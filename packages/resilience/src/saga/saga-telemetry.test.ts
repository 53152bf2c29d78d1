import { ManualClock, type Telemetry, type TelemetryAttributes } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { driveClock } from './__fixtures__/drive-clock.js';
import { createSaga } from './create-saga.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';

function recordingTelemetry() {
  const calls: Array<{ kind: 'counter' | 'histogram'; name: string; value: number; attributes: TelemetryAttributes | undefined }> = [];
  const telemetry: Telemetry = {
    counter: (name, value, attributes) => void calls.push({ kind: 'counter', name, value, attributes }),
    histogram: (name, value, attributes) => void calls.push({ kind: 'histogram', name, value, attributes }),
  };
  return { telemetry, calls };
}

describe('saga telemetry', () => {
  it('counts sagas and steps and records durations and attempts, with names only as attributes', async () => {
    const clock = new ManualClock(0);
    const { telemetry, calls } = recordingTelemetry();
    let chargeCalls = 0;
    const saga = createSaga<{ fail: boolean }>('order', { store: createInMemorySagaStore(), clock, telemetry, retry: { maxAttempts: 2, backoff: { kind: 'constant', delayMs: 0 } } })
      .step({
        name: 'reserve',
        action: () => {
          clock.advance(40);
          return 'r';
        },
        compensate: () => undefined,
      })
      .step({
        name: 'charge',
        action: ({ input }) => {
          chargeCalls++;
          if (input.fail || chargeCalls === 1) throw new Error('card declined');
          return 'c';
        },
      });
    // retries wait on the manual clock: drive it in 1 ms steps
    await driveClock(clock, saga.run({ fail: false }, { sagaId: 'o-1' }), 1);
    await driveClock(clock, saga.run({ fail: true }, { sagaId: 'o-2' }), 1);

    const counters = calls.filter((c) => c.kind === 'counter').map((c) => `${c.name} ${JSON.stringify(c.attributes)}`);
    expect(counters).toEqual([
      'iap.saga.started {"saga":"order","resumed":false}',
      'iap.saga.step.completed {"saga":"order","step":"reserve"}',
      'iap.saga.step.retried {"saga":"order","step":"charge","phase":"action"}',
      'iap.saga.step.completed {"saga":"order","step":"charge"}',
      'iap.saga.finished {"saga":"order","status":"completed"}',
      'iap.saga.started {"saga":"order","resumed":false}',
      'iap.saga.step.completed {"saga":"order","step":"reserve"}',
      'iap.saga.step.retried {"saga":"order","step":"charge","phase":"action"}',
      'iap.saga.step.failed {"saga":"order","step":"charge"}',
      'iap.saga.step.compensated {"saga":"order","step":"reserve"}',
      'iap.saga.finished {"saga":"order","status":"compensated"}',
    ]);
    const histograms = calls.filter((c) => c.kind === 'histogram').map((c) => [c.name, c.value, c.attributes]);
    // 40 ms in the reserve step plus the few driven 1 ms steps of the retry wait
    const durations = histograms.filter(([name]) => name === 'iap.saga.duration_ms');
    expect(durations.map(([, , attributes]) => attributes)).toEqual([{ saga: 'order', status: 'completed' }, { saga: 'order', status: 'compensated' }]);
    for (const [, value] of durations) expect(value).toBeGreaterThanOrEqual(40);
    for (const [, value] of durations) expect(value).toBeLessThan(60);
    expect(histograms).toContainEqual(['iap.saga.step.attempts', 2, { saga: 'order', step: 'charge', outcome: 'completed' }]);
    expect(histograms).toContainEqual(['iap.saga.step.attempts', 2, { saga: 'order', step: 'charge', outcome: 'failed' }]);
    // no ids, inputs or results in any attribute
    expect(JSON.stringify(calls)).not.toMatch(/o-1|o-2|card declined/);
  });

  it('rejects a telemetry option that is not an object', () => {
    expect(() => createSaga('x', { telemetry: 'prometheus' as never })).toThrow(/telemetry must be a Telemetry object/);
  });
});
