/** Attributes attached to a metric or span: OpenTelemetry-style flat key/values, never payload values. */
export type TelemetryAttributes = Readonly<Record<string, string | number | boolean>>;

/** A span started through {@link Telemetry.startSpan}. */
export interface TelemetrySpan {
  /** Ends the span; pass the error when the operation failed. */
  end(error?: unknown): void;
}

/**
 * Where a span sits in a trace, as W3C `traceparent` values (the form envelopes, outbox rows and
 * Kafka headers carry). Invalid values are ignored. Without `parent` the span's parent is whatever
 * the hooks' implementation considers current (OpenTelemetry: the active context).
 */
export interface TelemetrySpanOptions {
  /** The parent span: the new span continues this trace (e.g. the envelope's `traceparent`). */
  readonly parent?: string;
  /** Spans this one is linked to without being their child (e.g. each message of a batch). */
  readonly links?: readonly string[];
}

/**
 * OpenTelemetry-shaped hooks every @iap component can report through. Map them to an OTel Meter and
 * Tracer (or anything else); every method is optional.
 *
 * @example
 * ```ts
 * const telemetry: Telemetry = {
 *   counter: (name, value, attrs) => meter.createCounter(name).add(value, attrs),
 *   histogram: (name, value, attrs) => meter.createHistogram(name).record(value, attrs),
 * };
 * ```
 */
export interface Telemetry {
  /** Adds `value` to a monotonic counter. */
  counter?(name: string, value: number, attributes?: TelemetryAttributes): void;
  /** Records one measurement (durations in ms, sizes). */
  histogram?(name: string, value: number, attributes?: TelemetryAttributes): void;
  /** Reports the current value of a gauge (backlog, lag, oldest age). */
  gauge?(name: string, value: number, attributes?: TelemetryAttributes): void;
  /** Starts a span; the returned object ends it. `options` (optional) give its parent and links. */
  startSpan?(name: string, attributes?: TelemetryAttributes, options?: TelemetrySpanOptions): TelemetrySpan;
}

/** Telemetry that records nothing: the default everywhere. */
export const noopTelemetry: Telemetry = Object.freeze({});
