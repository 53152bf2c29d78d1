/**
 * Core's `startSpan` as OpenTelemetry spans: the span kind from `messaging.operation.type` (the
 * semantic conventions' producer and consumer operations), the parent and links from W3C
 * `traceparent` values, and a failed end as an exception event, `error.type` and an error status.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Context, type Link, type SpanContext, type Tracer } from '@opentelemetry/api';
import { IapError, parseTraceparent, type TelemetryAttributes, type TelemetrySpan, type TelemetrySpanOptions } from '@iap/core';

/** Span kinds of the messaging operation types (`receive` and `settle` are client calls). */
const KINDS: Readonly<Record<string, SpanKind>> = { create: SpanKind.PRODUCER, send: SpanKind.PRODUCER, receive: SpanKind.CLIENT, process: SpanKind.CONSUMER, settle: SpanKind.CLIENT };

/** A remote span context from a `traceparent`, or undefined when the value is not valid. */
function spanContextOf(traceparent: string): SpanContext | undefined {
  const parsed = parseTraceparent(traceparent);
  if (parsed === undefined) return undefined;
  return { traceId: parsed.traceId, spanId: parsed.parentId, traceFlags: parsed.flags, isRemote: true };
}

/** The context a span starts in: the given parent's, else the active one. */
function parentContext(options: TelemetrySpanOptions | undefined): Context {
  const parent = options?.parent === undefined ? undefined : spanContextOf(options.parent);
  return parent === undefined ? context.active() : trace.setSpanContext(ROOT_CONTEXT, parent);
}

/** A low-cardinality name of what failed: the @iap error code, else the error's class. */
function errorType(error: unknown): string {
  if (IapError.isInstance(error)) return error.code;
  return error instanceof Error ? error.name : '_OTHER';
}

/** What the adapter adds to every span. */
export interface SpanDefaults {
  /** `messaging.system` for messaging spans that carry none. */
  readonly messagingSystem?: string | undefined;
}

/** Starts OpenTelemetry spans for core's `startSpan`. */
export function createSpanStarter(tracer: Tracer, defaults: SpanDefaults): (name: string, attributes?: TelemetryAttributes, options?: TelemetrySpanOptions) => TelemetrySpan {
  return (name, attributes, options) => {
    const operation = attributes?.['messaging.operation.type'];
    const kind = typeof operation === 'string' ? (KINDS[operation] ?? SpanKind.INTERNAL) : SpanKind.INTERNAL;
    const system = operation !== undefined && attributes?.['messaging.system'] === undefined ? defaults.messagingSystem : undefined;
    const links: Link[] = [];
    for (const traceparent of options?.links ?? []) {
      const linked = spanContextOf(traceparent);
      if (linked !== undefined) links.push({ context: linked });
    }
    const span = tracer.startSpan(
      name,
      { kind, attributes: system === undefined ? { ...attributes } : { ...attributes, 'messaging.system': system }, ...(links.length > 0 ? { links } : {}) },
      parentContext(options),
    );
    let ended = false;
    return {
      end(error?: unknown): void {
        if (ended) return;
        ended = true;
        if (error !== undefined) {
          span.setAttribute('error.type', errorType(error));
          if (error instanceof Error) span.recordException(error);
          span.setStatus({ code: SpanStatusCode.ERROR, ...(error instanceof Error ? { message: error.message } : {}) });
        }
        span.end();
      },
    };
  };
}
