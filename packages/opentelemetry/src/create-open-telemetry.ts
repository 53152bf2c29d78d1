import { metrics, trace } from '@opentelemetry/api';
import { ErrorCode, IapError, rejectUnknownOptions, type Telemetry } from '@iap/core';
import { MetricInstruments } from './internal/metric-instruments.js';
import { createSpanStarter } from './internal/span-starter.js';
import type { OpenTelemetryOptions } from './open-telemetry-options.js';

const OPTION_NAMES = ['meterProvider', 'tracerProvider', 'messagingSystem', 'scopeName'] as const;
const DEFAULT_SCOPE = '@iap/opentelemetry';

/** Rejects an option that is present but not a non-empty string. */
function checkName(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `createOpenTelemetry: ${name} must be a non-empty string`);
  }
}

/**
 * Core's `Telemetry` hooks as OpenTelemetry metrics and spans: pass the result as `telemetry` to
 * any @iap component. Counters, histograms and gauges become OTel instruments (created once per
 * name and kept; gauges are synchronous gauges, the last value per attribute set), with the
 * messaging semantic-convention names and units where they exist (see {@link metricMapping});
 * `startSpan` becomes an OTel span whose kind follows `messaging.operation.type` and which
 * continues a given W3C `traceparent`.
 *
 * @example
 * ```ts
 * import { createOpenTelemetry } from '@iap/opentelemetry';
 *
 * // after the OpenTelemetry SDK is started (it registers the global providers)
 * const telemetry = createOpenTelemetry({ messagingSystem: 'kafka' });
 * ```
 * @throws IapError `INVALID_OPTIONS` for an unknown option or a bad `messagingSystem` / `scopeName`.
 */
export function createOpenTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  rejectUnknownOptions(options, OPTION_NAMES, 'createOpenTelemetry');
  checkName('messagingSystem', options.messagingSystem);
  checkName('scopeName', options.scopeName);
  const scope = options.scopeName ?? DEFAULT_SCOPE;
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(scope);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(scope);
  const instruments = new MetricInstruments(meter);
  return {
    counter(name, value, attributes) {
      const c = instruments.counter(name);
      c.instrument.add(value * c.scale, c.attributes(attributes));
    },
    histogram(name, value, attributes) {
      const h = instruments.histogram(name);
      h.instrument.record(value * h.scale, h.attributes(attributes));
    },
    gauge(name, value, attributes) {
      const g = instruments.gauge(name);
      g.instrument.record(value * g.scale, g.attributes(attributes));
    },
    startSpan: createSpanStarter(tracer, { messagingSystem: options.messagingSystem }),
  };
}
