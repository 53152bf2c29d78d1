/**
 * @packageDocumentation
 * @iap/opentelemetry: core's telemetry hooks as OpenTelemetry metrics and spans, with the messaging
 * semantic-convention names where they exist. Requires the peer dependency `@opentelemetry/api`.
 */

export { createOpenTelemetry } from './create-open-telemetry.js';
export type { OpenTelemetryOptions } from './open-telemetry-options.js';
export { metricMapping, SEMANTIC_METRICS } from './semantic-names.js';
export type { MetricMapping } from './semantic-names.js';
