/**
 * Saga metrics through core's `Telemetry` hooks, fed by the saga's own events. Attributes are the
 * saga and step names, the status, the phase and the reason: never ids, inputs or results (they
 * would make every saga its own time series and could carry business data).
 *
 * - counters: `iap.saga.started` {saga, resumed}, `iap.saga.finished` {saga, status},
 *   `iap.saga.stopped` {saga, reason}, `iap.saga.step.completed` / `.failed` / `.compensated` /
 *   `.skipped` {saga, step}, `iap.saga.step.retried` {saga, step, phase},
 *   `iap.saga.compensation.failed` {saga, step};
 * - histograms: `iap.saga.duration_ms` {saga, status}, from the moment this worker started or took
 *   over the saga to its end; `iap.saga.step.attempts` {saga, step, outcome} for completed, failed,
 *   compensated and compensation-failed steps.
 */
import type { Clock, Telemetry, TypedEventSource } from '@iap/core';
import type { SagaEvents } from './saga-events.js';

/** Subscribes `telemetry` to a saga's events (for the saga object's life: `close()` removes every listener). */
export function attachSagaTelemetry(events: TypedEventSource<SagaEvents>, telemetry: Telemetry, clock: Clock): void {
  const count = (name: string, attributes: Record<string, string | boolean>): void => telemetry.counter?.(name, 1, attributes);
  const attempts = (saga: string, step: string, value: number, outcome: string): void =>
    telemetry.histogram?.('iap.saga.step.attempts', value, { saga, step, outcome });
  // start times of the sagas this worker is driving, by id (bounded by what runs at once)
  const startedAt = new Map<string, number>();
  events.on('sagaStarted', (e) => {
    startedAt.set(e.sagaId, clock.now());
    count('iap.saga.started', { saga: e.sagaName, resumed: e.resumed });
  });
  events.on('sagaFinished', (e) => {
    const started = startedAt.get(e.sagaId);
    startedAt.delete(e.sagaId);
    count('iap.saga.finished', { saga: e.sagaName, status: e.status });
    if (started !== undefined) telemetry.histogram?.('iap.saga.duration_ms', Math.max(0, clock.now() - started), { saga: e.sagaName, status: e.status });
  });
  events.on('sagaStopped', (e) => {
    startedAt.delete(e.sagaId);
    count('iap.saga.stopped', { saga: e.sagaName, reason: e.reason });
  });
  events.on('stepSkipped', (e) => count('iap.saga.step.skipped', { saga: e.sagaName, step: e.step }));
  events.on('stepRetrying', (e) => count('iap.saga.step.retried', { saga: e.sagaName, step: e.step, phase: e.phase }));
  // step outcomes that carry an attempt count: a counter each, plus the attempts histogram
  const outcomes = [
    ['stepCompleted', 'iap.saga.step.completed', 'completed'],
    ['stepFailed', 'iap.saga.step.failed', 'failed'],
    ['stepCompensated', 'iap.saga.step.compensated', 'compensated'],
    ['compensationFailed', 'iap.saga.compensation.failed', 'compensation_failed'],
  ] as const;
  for (const [event, counter, outcome] of outcomes) {
    events.on(event, (e) => {
      count(counter, { saga: e.sagaName, step: e.step });
      attempts(e.sagaName, e.step, e.attempts, outcome);
    });
  }
}
