/**
 * How @iap metric names become OpenTelemetry instruments. Where the messaging semantic conventions
 * define a metric (`messaging.client.sent.messages`, `messaging.client.operation.duration`,
 * `messaging.process.duration`), the @iap metric is reported as that instrument, its duration in
 * seconds, with the attributes the convention requires. Every other metric keeps its @iap name; a
 * name ending in `_ms` gets the unit `ms`.
 */
import type { TelemetryAttributes } from '@iap/core';

/** What an @iap metric becomes in OpenTelemetry. */
export interface MetricMapping {
  /** The OpenTelemetry instrument name. */
  readonly name: string;
  /** The UCUM unit (`s`, `ms`, `{message}`), when known. */
  readonly unit?: string;
  /** Multiplies every value (`0.001`: milliseconds to seconds). @defaultValue `1` */
  readonly scale?: number;
  /** Attributes added to every measurement (`messaging.system`, `messaging.operation.name`). */
  readonly attributes?: TelemetryAttributes;
  /** Renames of the component's attribute keys (`topic` to `messaging.destination.name`). */
  readonly renames?: Readonly<Record<string, string>>;
}

const SECONDS = 0.001;
/** The Kafka consumer's attributes in semantic-convention names. */
const KAFKA_CONSUMER_RENAMES = { topic: 'messaging.destination.name', partition: 'messaging.destination.partition.id' } as const;

const sent = (system: string, operation: string, failed: boolean): MetricMapping => ({
  name: 'messaging.client.sent.messages',
  unit: '{message}',
  attributes: { 'messaging.system': system, 'messaging.operation.name': operation, ...(failed ? { 'error.type': '_OTHER' } : {}) },
});

const sendDuration = (system: string, operation: string): MetricMapping => ({
  name: 'messaging.client.operation.duration',
  unit: 's',
  scale: SECONDS,
  attributes: { 'messaging.system': system, 'messaging.operation.name': operation, 'messaging.operation.type': 'send' },
});

/**
 * The @iap metrics that have a semantic-convention equivalent, by @iap name. Published and failed
 * counts of a publisher become one `messaging.client.sent.messages` counter; the failures carry
 * `error.type`.
 */
export const SEMANTIC_METRICS: Readonly<Record<string, MetricMapping>> = Object.freeze({
  'iap.kafka.publisher.published': sent('kafka', 'send', false),
  'iap.kafka.publisher.failed': sent('kafka', 'send', true),
  'iap.kafka.publisher.send.duration_ms': sendDuration('kafka', 'send'),
  'iap.rabbitmq.publisher.published': sent('rabbitmq', 'publish', false),
  'iap.rabbitmq.publisher.failed': sent('rabbitmq', 'publish', true),
  'iap.rabbitmq.publisher.confirm.duration_ms': sendDuration('rabbitmq', 'publish'),
  'iap.kafka.consumer.handler.duration_ms': {
    name: 'messaging.process.duration',
    unit: 's',
    scale: SECONDS,
    attributes: { 'messaging.system': 'kafka', 'messaging.operation.name': 'process', 'messaging.operation.type': 'process' },
    renames: KAFKA_CONSUMER_RENAMES,
  },
});

/**
 * The OpenTelemetry instrument an @iap metric is reported as: its semantic-convention equivalent,
 * or the same name (unit `ms` for a name ending in `_ms`; the Kafka consumer's `topic` and
 * `partition` attributes renamed to their messaging names).
 *
 * @example
 * ```ts
 * import { metricMapping } from '@iap/opentelemetry';
 *
 * metricMapping('iap.kafka.publisher.send.duration_ms').name; // 'messaging.client.operation.duration'
 * metricMapping('iap.outbox.backlog').name; // 'iap.outbox.backlog'
 * ```
 */
export function metricMapping(name: string): MetricMapping {
  const semantic = SEMANTIC_METRICS[name];
  if (semantic !== undefined) return semantic;
  return {
    name,
    ...(name.endsWith('_ms') ? { unit: 'ms' } : {}),
    ...(name.startsWith('iap.kafka.consumer.') ? { renames: KAFKA_CONSUMER_RENAMES } : {}),
  };
}
