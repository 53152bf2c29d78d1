/**
 * The outbox relay reporting through createOpenTelemetry: a PGlite outbox published to the
 * in-process transport, and the metrics and spans the OpenTelemetry SDK exported.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createEnvelope, formatTraceparent, parseTraceparent, type PublishMessage } from '@iap/core';
import { createInProcessTransport, createOutbox, createRelay, migrate, type Relay } from '@iap/messaging';
import { createPgliteDatabase, type PgliteDatabase } from '@iap/messaging/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOtelSdk, points, type OtelSdk } from '../support/otel-sdk.js';
import { createOpenTelemetry } from '../../src/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = (spanId: string): string => formatTraceparent({ traceId: TRACE_ID, parentId: spanId });

let sdk: OtelSdk;
let db: PgliteDatabase;
let relay: Relay;
const outbox = createOutbox();
const transport = createInProcessTransport();
const received: PublishMessage[] = [];

beforeEach(async () => {
  sdk = createOtelSdk();
  db = await createPgliteDatabase();
  await migrate(db);
  transport.subscribe('orders', (m) => void received.push(m));
  transport.subscribe('payments', (m) => void received.push(m));
  transport.subscribe('refunds', () => {
    throw new Error('the refunds service is down');
  });
  const telemetry = createOpenTelemetry({ meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider, messagingSystem: 'iap_in_process' });
  relay = createRelay({ database: db, outbox, publisher: transport.publisher, telemetry, relayId: 'relay-1', metricsIntervalMs: 20, keepProcessAlive: false });
});

afterEach(async () => {
  await relay.close();
  await db.close();
  await sdk.shutdown();
});

/** Runs relay rounds until one claims nothing (the last acknowledges the batch before it). */
async function drain(): Promise<void> {
  for (let round = 0; round < 10; round++) if ((await relay.runOnce()).claimed === 0) return;
  throw new Error('the outbox did not drain in 10 rounds');
}

/** Collects until `ready` holds for the exported metrics, within a deadline. */
async function collectUntil(ready: (m: Awaited<ReturnType<OtelSdk['collect']>>) => boolean): Promise<Awaited<ReturnType<OtelSdk['collect']>>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const collected = await sdk.collect();
    if (ready(collected)) return collected;
    if (Date.now() > deadline) throw new Error(`metrics not ready; exported: ${[...collected.keys()].join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a relay with createOpenTelemetry', () => {
  it('exports a producer span per publish that continues the envelope trace, and the relay metrics', async () => {
    const single = createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1' }, traceparent: traceparent('00f067aa0ba902b7') });
    await db.transaction((tx) => outbox.enqueue(tx, { destination: 'orders', envelope: single }));
    await drain();
    // one business transaction: three events of one trace, to two destinations
    const batch = ['1111111111111111', '2222222222222222', '3333333333333333'].map((spanId, i) =>
      createEnvelope({ type: 'order.paid', source: '/orders', data: { i }, partitionKey: `o-${i}`, traceparent: traceparent(spanId) }));
    await db.transaction(async (tx) => {
      await outbox.enqueue(tx, { destination: 'orders', envelope: batch[0]! });
      await outbox.enqueue(tx, { destination: 'payments', envelope: batch[1]! });
      await outbox.enqueue(tx, { destination: 'payments', envelope: batch[2]! });
    });
    await drain();
    expect(received.map((m) => m.id)).toEqual([single.id, ...batch.map((e) => e.id)]);

    const spans = sdk.spans.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['publish orders', 'publish']);
    const [first, second] = spans;
    expect(first?.kind).toBe(SpanKind.PRODUCER);
    expect(first?.spanContext().traceId).toBe(TRACE_ID);
    expect(first?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(first?.attributes).toEqual({
      'messaging.system': 'iap_in_process',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': 'orders',
      'messaging.message.id': single.id,
      relay: 'relay-1',
    });
    expect(first?.status.code).toBe(SpanStatusCode.UNSET);
    expect(second?.spanContext().traceId).toBe(TRACE_ID);
    expect(second?.attributes['messaging.batch.message_count']).toBe(3);
    expect(second?.attributes['messaging.destination.name']).toBeUndefined();
    expect(second?.links.map((l) => l.context.spanId)).toEqual(['1111111111111111', '2222222222222222', '3333333333333333']);
    // the message carries the envelope's own trace context on to the consumer
    expect(parseTraceparent(received[0]?.headers.traceparent)?.traceId).toBe(TRACE_ID);

    const collected = await sdk.collect();
    expect(points(collected.get('iap.outbox.relay.published'))).toEqual([[{ relay: 'relay-1' }, 4]]);
    expect(points(collected.get('iap.outbox.relay.claimed'))).toEqual([[{ relay: 'relay-1' }, 4]]);
    expect(points(collected.get('iap.outbox.relay.publish.duration_ms'))).toEqual([[{ relay: 'relay-1' }, expect.objectContaining({ count: 2 })]]);
    expect(collected.get('iap.outbox.relay.publish.duration_ms')?.descriptor.unit).toBe('ms');
    expect(points(collected.get('iap.outbox.relay.attempts'))).toEqual([[{ relay: 'relay-1', outcome: 'published' }, expect.objectContaining({ count: 4, sum: 4 })]]);
  });

  it('ends the span of a failed publish with the error and reports the backlog gauges', async () => {
    const envelope = createEnvelope({ type: 'refund.requested', source: '/orders', data: {} });
    await db.transaction((tx) => outbox.enqueue(tx, { destination: 'refunds', envelope }));
    await relay.runOnce();
    const [span] = sdk.spans.getFinishedSpans();
    expect(span?.name).toBe('publish refunds');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('PUBLISH_FAILED');
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
    // no traceparent on the envelope: the span starts a trace of its own
    expect(span?.parentSpanContext).toBeUndefined();

    relay.start();
    const collected = await collectUntil((m) => m.has('iap.outbox.backlog') && m.has('iap.outbox.relay.retried'));
    // the running relay may have retried it again since
    expect(points(collected.get('iap.outbox.relay.retried'))).toEqual([[{ relay: 'relay-1' }, expect.any(Number)]]);
    expect(points(collected.get('iap.outbox.backlog'))).toEqual([[{ schema: 'public', table: 'iap_outbox' }, 1]]);
    expect(points(collected.get('iap.outbox.dead_letters'))).toEqual([[{ schema: 'public', table: 'iap_outbox' }, 0]]);
    expect(collected.get('iap.outbox.oldest_pending_age_ms')?.descriptor.unit).toBe('ms');
  });
});
