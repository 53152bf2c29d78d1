import type { MeterProvider, TracerProvider } from '@opentelemetry/api';

/** Options of {@link createOpenTelemetry}. */
export interface OpenTelemetryOptions {
  /**
   * Where metrics go.
   * @defaultValue the global meter provider (`metrics.getMeterProvider()`), set by the OpenTelemetry SDK
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Where spans go.
   * @defaultValue the global tracer provider (`trace.getTracerProvider()`), set by the OpenTelemetry SDK
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * The value of `messaging.system` for messaging spans that carry none: the outbox relay's publish
   * spans, as the relay does not know its publisher's transport (`kafka`, `rabbitmq`, `aws_sqs`).
   * @defaultValue none: such spans have no `messaging.system`
   */
  readonly messagingSystem?: string;
  /**
   * The instrumentation scope name of the meter and tracer.
   * @defaultValue `'@iap/opentelemetry'`
   */
  readonly scopeName?: string;
}
