/** Attributes attached to a metric or span: OpenTelemetry-style flat key/values, never payload values. */
export type TelemetryAttributes = Readonly<Record<string, string | number | boolean>>;

/** A span started through {@link Telemetry.startSpan}. */
export interface TelemetrySpan {
  /** Ends the span; pass the error when the operation failed. */
  end(error?: unknown): void;
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
  /** Starts a span; the returned object ends it. */
  startSpan?(name: string, attributes?: TelemetryAttributes): TelemetrySpan;
}

/** Telemetry that records nothing: the default everywhere. */
export const noopTelemetry: Telemetry = Object.freeze({});
