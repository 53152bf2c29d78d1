/**
 * The OpenTelemetry SDK with in-memory exporters, for tests: a meter provider whose metrics are
 * collected on demand, and a tracer provider that keeps every ended span.
 */
import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A reader that collects only when asked. */
class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The SDK's providers and what they recorded. */
export interface OtelSdk {
  readonly meterProvider: MeterProvider;
  readonly tracerProvider: BasicTracerProvider;
  readonly spans: InMemorySpanExporter;
  /** Collects every metric, by instrument name. */
  collect(): Promise<Map<string, MetricData>>;
  shutdown(): Promise<void>;
}

/** Starts an SDK with in-memory exporters. */
export function createOtelSdk(): OtelSdk {
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  return {
    meterProvider,
    tracerProvider,
    spans,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
      const byName = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      return byName;
    },
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

/** The data points of one metric as `[attributes, value]` pairs (histograms: their sum and count). */
export function points(metric: MetricData | undefined): Array<[Record<string, unknown>, unknown]> {
  if (metric === undefined) throw new Error('metric not exported');
  return (metric.dataPoints as Array<DataPoint<unknown>>).map((p) => [{ ...p.attributes }, p.value]);
}
