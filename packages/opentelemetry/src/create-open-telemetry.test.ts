import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ErrorCode, IapError, formatTraceparent } from '@iap/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createOtelSdk, points, type OtelSdk } from '../test/support/otel-sdk.js';
import { createOpenTelemetry } from './create-open-telemetry.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = formatTraceparent({ traceId: TRACE_ID, parentId: '00f067aa0ba902b7' });
const OTHER = formatTraceparent({ traceId: 'a'.repeat(32), parentId: 'b'.repeat(16) });

let sdk: OtelSdk;
const setup = (options: { messagingSystem?: string } = {}) => {
  sdk = createOtelSdk();
  return createOpenTelemetry({ meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider, ...options });
};
afterEach(async () => sdk.shutdown());

describe('createOpenTelemetry metrics', () => {
  it('adds counters per attribute set under the @iap name', async () => {
    const t = setup();
    t.counter?.('iap.outbox.relay.published', 3, { relay: 'r1' });
    t.counter?.('iap.outbox.relay.published', 2, { relay: 'r1' });
    t.counter?.('iap.outbox.relay.published', 5, { relay: 'r2' });
    const metric = (await sdk.collect()).get('iap.outbox.relay.published');
    expect(points(metric)).toEqual(expect.arrayContaining([[{ relay: 'r1' }, 5], [{ relay: 'r2' }, 5]]));
    expect(points(metric)).toHaveLength(2);
  });

  it('keeps the last value of a gauge per attribute set', async () => {
    const t = setup();
    t.gauge?.('iap.outbox.backlog', 10, { destination: 'orders' });
    t.gauge?.('iap.outbox.backlog', 4, { destination: 'orders' });
    t.gauge?.('iap.outbox.backlog', 7, { destination: 'payments' });
    const metric = (await sdk.collect()).get('iap.outbox.backlog');
    expect(points(metric)).toEqual(expect.arrayContaining([[{ destination: 'orders' }, 4], [{ destination: 'payments' }, 7]]));
  });

  it('gives an _ms histogram the unit ms and keeps its values', async () => {
    const t = setup();
    t.histogram?.('iap.outbox.relay.publish.duration_ms', 12, { relay: 'r1' });
    t.histogram?.('iap.outbox.relay.publish.duration_ms', 30, { relay: 'r1' });
    const metric = (await sdk.collect()).get('iap.outbox.relay.publish.duration_ms');
    expect(metric?.descriptor.unit).toBe('ms');
    expect(points(metric)).toEqual([[{ relay: 'r1' }, expect.objectContaining({ sum: 42, count: 2 })]]);
  });

  it('reports publisher counts as messaging.client.sent.messages, failures with error.type', async () => {
    const t = setup();
    t.counter?.('iap.kafka.publisher.published', 4);
    t.counter?.('iap.kafka.publisher.failed', 1);
    const collected = await sdk.collect();
    expect(collected.has('iap.kafka.publisher.published')).toBe(false);
    const metric = collected.get('messaging.client.sent.messages');
    expect(metric?.descriptor.unit).toBe('{message}');
    expect(points(metric)).toEqual(expect.arrayContaining([
      [{ 'messaging.system': 'kafka', 'messaging.operation.name': 'send' }, 4],
      [{ 'messaging.system': 'kafka', 'messaging.operation.name': 'send', 'error.type': '_OTHER' }, 1],
    ]));
  });

  it('reports durations with a semantic-convention name in seconds, with renamed attributes', async () => {
    const t = setup();
    t.histogram?.('iap.kafka.consumer.handler.duration_ms', 250, { topic: 'orders', partition: 3 });
    t.histogram?.('iap.kafka.publisher.send.duration_ms', 1500);
    const collected = await sdk.collect();
    const process = collected.get('messaging.process.duration');
    expect(process?.descriptor.unit).toBe('s');
    expect(points(process)).toEqual([[
      { 'messaging.system': 'kafka', 'messaging.operation.name': 'process', 'messaging.operation.type': 'process', 'messaging.destination.name': 'orders', 'messaging.destination.partition.id': '3' },
      expect.objectContaining({ sum: 0.25, count: 1 }),
    ]]);
    expect(points(collected.get('messaging.client.operation.duration'))).toEqual([[
      { 'messaging.system': 'kafka', 'messaging.operation.name': 'send', 'messaging.operation.type': 'send' },
      expect.objectContaining({ sum: 1.5, count: 1 }),
    ]]);
  });

  it('renames the Kafka consumer lag attributes', async () => {
    const t = setup();
    t.gauge?.('iap.kafka.consumer.lag', 17, { topic: 'orders', partition: 0 });
    expect(points((await sdk.collect()).get('iap.kafka.consumer.lag'))).toEqual([[{ 'messaging.destination.name': 'orders', 'messaging.destination.partition.id': '0' }, 17]]);
  });

  it('rejects an unknown option and a bad messagingSystem', () => {
    expect(() => createOpenTelemetry({ meterProvdier: {} } as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS, message: expect.stringContaining('meterProvider') }));
    expect(() => createOpenTelemetry({ messagingSystem: '' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });
});

describe('createOpenTelemetry spans', () => {
  it('starts a producer span continuing a traceparent, with the messaging system added', () => {
    const t = setup({ messagingSystem: 'kafka' });
    t.startSpan?.('publish orders', { 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders' }, { parent: PARENT }).end();
    const [span] = sdk.spans.getFinishedSpans();
    expect(span?.name).toBe('publish orders');
    expect(span?.kind).toBe(SpanKind.PRODUCER);
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes).toEqual({ 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders', 'messaging.system': 'kafka' });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('links to traceparents, ignoring invalid ones, and keeps a given messaging.system', () => {
    const t = setup({ messagingSystem: 'kafka' });
    t.startSpan?.('publish', { 'messaging.operation.type': 'send', 'messaging.system': 'rabbitmq' }, { links: [PARENT, 'not-a-traceparent', OTHER] }).end();
    const [span] = sdk.spans.getFinishedSpans();
    expect(span?.links.map((l) => l.context.traceId)).toEqual([TRACE_ID, 'a'.repeat(32)]);
    expect(span?.spanContext().traceId).not.toBe(TRACE_ID);
    expect(span?.attributes['messaging.system']).toBe('rabbitmq');
  });

  it('ends a failed span with an error status, error.type and an exception event, once', () => {
    const t = setup();
    const span = t.startSpan?.('work');
    span?.end(new IapError(ErrorCode.TIMEOUT, 'the publisher did not answer'));
    span?.end();
    const finished = sdk.spans.getFinishedSpans();
    expect(finished).toHaveLength(1);
    expect(finished[0]?.kind).toBe(SpanKind.INTERNAL);
    expect(finished[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the publisher did not answer' });
    expect(finished[0]?.attributes['error.type']).toBe(ErrorCode.TIMEOUT);
    expect(finished[0]?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('uses the consumer and client kinds of the other messaging operations', () => {
    const t = setup();
    for (const operation of ['process', 'receive', 'create']) t.startSpan?.(operation, { 'messaging.operation.type': operation }).end();
    expect(sdk.spans.getFinishedSpans().map((s) => [s.name, s.kind])).toEqual([['process', SpanKind.CONSUMER], ['receive', SpanKind.CLIENT], ['create', SpanKind.PRODUCER]]);
  });

  it('without a parent, starts in the active context', () => {
    const t = setup();
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    onTestFinished(() => context.disable());
    const outer = sdk.tracerProvider.getTracer('test').startSpan('outer');
    context.with(trace.setSpan(context.active(), outer), () => t.startSpan?.('inner').end());
    outer.end();
    const inner = sdk.spans.getFinishedSpans().find((s) => s.name === 'inner');
    expect(inner?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });
});
