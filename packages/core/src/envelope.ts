import { systemClock, type Clock } from './clock.js';
import { validateEnvelope } from './envelope-validation.js';
import { createTraceparent, parseTraceparent } from './trace-context.js';
import { uuidv7 } from './uuid-v7.js';
import { ValidationError } from './validation-error.js';

/**
 * The value of an extension attribute: a CloudEvents `String`, `Boolean` or `Integer` (a whole
 * number from -2^31 to 2^31 - 1). Structured JSON keeps the type; binary modes (headers) carry the
 * canonical string form, as the CloudEvents bindings do.
 */
export type ExtensionValue = string | boolean | number;

/**
 * The event envelope every @iap package speaks: CloudEvents 1.0 compatible (see
 * {@link toCloudEvent}), with first-class correlation, causation, partition key and W3C trace context.
 */
export interface Envelope<T = unknown> {
  /** Unique id; UUIDv7 (time-ordered) by default. CloudEvents `id`. */
  readonly id: string;
  /** Event type, e.g. `com.acme.order.placed`. CloudEvents `type`. */
  readonly type: string;
  /** Producer of the event, a URI-reference, e.g. `/orders-service`. CloudEvents `source`. */
  readonly source: string;
  /** What the event is about within the source, e.g. an order id. CloudEvents `subject`. */
  readonly subject?: string;
  /** When it happened, RFC 3339. CloudEvents `time`. */
  readonly time: string;
  /** Version of the data's schema for this type, e.g. `"1"`. CloudEvents extension `schemaversion`. */
  readonly schemaVersion: string;
  /** Id shared by every event of one business flow. CloudEvents extension `correlationid`. */
  readonly correlationId?: string;
  /** Id of the event that caused this one. CloudEvents extension `causationid`. */
  readonly causationId?: string;
  /** Ordering key (Kafka record key). CloudEvents extension `partitionkey`. */
  readonly partitionKey?: string;
  /** Media type of `data`. CloudEvents `datacontenttype`. @defaultValue `application/json` */
  readonly dataContentType: string;
  /** Absolute URI of the schema `data` adheres to. CloudEvents `dataschema`. */
  readonly dataSchemaUri?: string;
  /** The payload. A `Uint8Array` is carried as `data_base64` in JSON. */
  readonly data: T;
  /** Further CloudEvents extension attributes: lowercase a-z0-9 names; string, boolean or integer values. */
  readonly extensions: Readonly<Record<string, ExtensionValue>>;
  /** W3C trace context. CloudEvents distributed tracing extension. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** Input of {@link createEnvelope}: `type`, `source` and `data` are required, the rest has defaults. */
export interface CreateEnvelopeInput<T> {
  readonly type: string;
  readonly source: string;
  readonly data: T;
  /** @defaultValue a new UUIDv7 */
  readonly id?: string;
  readonly subject?: string;
  /** @defaultValue the clock's now */
  readonly time?: string | Date;
  /** @defaultValue `"1"` */
  readonly schemaVersion?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly partitionKey?: string;
  /** @defaultValue `application/json` */
  readonly dataContentType?: string;
  /** Absolute URI of the data's schema (CloudEvents `dataschema`). */
  readonly dataSchemaUri?: string;
  /** @defaultValue `{}` */
  readonly extensions?: Readonly<Record<string, ExtensionValue>>;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /**
   * The event that caused this one: sets `causationId` to its id, `correlationId` to its correlation
   * id (or its id), and continues its trace (a child `traceparent`, same `tracestate`), unless those
   * fields are given explicitly.
   */
  readonly causedBy?: Envelope<unknown>;
}

/** Options for {@link createEnvelope}. */
export interface CreateEnvelopeOptions {
  /** @defaultValue `systemClock` */
  readonly clock?: Clock;
}

/**
 * Creates a validated envelope.
 *
 * @throws ValidationError listing every invalid field with its path.
 * @example
 * ```ts
 * const event = createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1' }, partitionKey: 'o-1' });
 * ```
 */
export function createEnvelope<T>(input: CreateEnvelopeInput<T>, options: CreateEnvelopeOptions = {}): Envelope<T> {
  const clock = options.clock ?? systemClock;
  const cause = input.causedBy;
  const time = input.time === undefined ? new Date(clock.now()).toISOString() : input.time instanceof Date ? input.time.toISOString() : input.time;
  const parentTrace = cause?.traceparent === undefined ? undefined : parseTraceparent(cause.traceparent);
  const traceparent = input.traceparent ?? (parentTrace ? createTraceparent(parentTrace) : undefined);
  const tracestate = input.tracestate ?? (parentTrace ? cause?.tracestate : undefined);
  const correlationId = input.correlationId ?? (cause ? (cause.correlationId ?? cause.id) : undefined);
  const causationId = input.causationId ?? cause?.id;
  const envelope: Envelope<T> = {
    id: input.id ?? uuidv7(clock.now()),
    type: input.type,
    source: input.source,
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    time,
    schemaVersion: input.schemaVersion ?? '1',
    ...(correlationId === undefined ? {} : { correlationId }),
    ...(causationId === undefined ? {} : { causationId }),
    ...(input.partitionKey === undefined ? {} : { partitionKey: input.partitionKey }),
    dataContentType: input.dataContentType ?? 'application/json',
    ...(input.dataSchemaUri === undefined ? {} : { dataSchemaUri: input.dataSchemaUri }),
    data: input.data,
    extensions: { ...(input.extensions ?? {}) },
    ...(traceparent === undefined ? {} : { traceparent }),
    ...(tracestate === undefined ? {} : { tracestate }),
  };
  const issues = validateEnvelope(envelope);
  if (issues.length > 0) throw new ValidationError('envelope', issues);
  return envelope;
}
