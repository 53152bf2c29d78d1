import { ErrorCode } from '../error-codes.js';
import type { Envelope } from '../envelope.js';
import { IapError } from '../iap-error.js';
import { toValidationIssues, type StandardSchemaV1 } from '../standard-schema.js';
import { ValidationError } from '../validation-error.js';

/**
 * Schemas of event data by event type, then by schema version (any Standard Schema: zod, valibot,
 * arktype): `{ 'order.placed': { '1': OrderPlacedV1 } }`.
 *
 * @example
 * ```ts
 * const schemas = { 'order.placed': { '1': OrderPlacedV1, '2': OrderPlacedV2 } } satisfies ConsumeSchemaMap;
 * ```
 */
export type ConsumeSchemaMap = { readonly [type: string]: { readonly [schemaVersion: string]: StandardSchemaV1 } };

/**
 * Validates an event's data with the schema of its type and schema version: the valid envelope or
 * the error; a promise only when the schema is asynchronous.
 */
export type DataValidator<S> = (envelope: Envelope, source: S) => Envelope | IapError | Promise<Envelope | IapError>;

/**
 * How a {@link DataValidator} names the message in its errors.
 *
 * @example
 * ```ts
 * const places: DataValidatorOptions<Delivery> = { describe: (d) => `message ${d.id}`, details: (d) => ({ messageId: d.id }) };
 * ```
 */
export interface DataValidatorOptions<S> {
  /** Where the message is, for error messages: `record orders[0]@41`, `message 7 of queue orders`. */
  readonly describe: (source: S) => string;
  /** Value-free details of where the message is (topic, partition, offset, queue, message id). */
  readonly details: (source: S) => Readonly<Record<string, unknown>>;
  /**
   * Makes the error for a type or version without a schema (a broker's typed class). @defaultValue
   * an IapError code `UNKNOWN_SCHEMA_VERSION` with `details.type` and `details.schemaVersion`
   */
  readonly unknownSchemaVersion?: (source: S, type: string, schemaVersion: string, message: string) => IapError;
  /**
   * Replace `data` on the given envelope object with the schema's output, instead of a copy; for
   * callers that own a freshly decoded envelope. @defaultValue `false`
   */
  readonly inPlace?: boolean;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Builds the validator for a schema map. A type or version without a schema gives
 * `UNKNOWN_SCHEMA_VERSION`; invalid data gives a `ValidationError` (code `VALIDATION`) whose issue
 * paths start at `data`. Synchronous schemas stay synchronous (no promise per message).
 *
 * @example
 * ```ts
 * const validate = createDataValidator(schemas, { describe: (m: { id: string }) => `message ${m.id}`, details: (m) => ({ messageId: m.id }) });
 * const result = validate(envelope, message); // the envelope, or the error to dead-letter
 * ```
 */
export function createDataValidator<S>(schemas: ConsumeSchemaMap, options: DataValidatorOptions<S>): DataValidator<S> {
  const inPlace = options.inPlace === true;
  const { describe, details } = options;
  const unknownSchemaVersion =
    options.unknownSchemaVersion ??
    ((source: S, type: string, schemaVersion: string, message: string) => new IapError(ErrorCode.UNKNOWN_SCHEMA_VERSION, message, { details: { ...details(source), type, schemaVersion } }));

  const finish = (result: StandardSchemaV1.Result<unknown>, envelope: Envelope, source: S): Envelope | IapError => {
    if (result.issues !== undefined) return new ValidationError(`data of ${clip(envelope.type)} v${clip(envelope.schemaVersion)} in ${describe(source)}`, toValidationIssues(result.issues, ['data']));
    if (result.value === envelope.data) return envelope;
    if (inPlace) {
      (envelope as { data: unknown }).data = result.value;
      return envelope;
    }
    return { ...envelope, data: result.value };
  };

  return (envelope, source) => {
    const versions = Object.prototype.hasOwnProperty.call(schemas, envelope.type) ? schemas[envelope.type] : undefined;
    const schema = versions !== undefined && Object.prototype.hasOwnProperty.call(versions, envelope.schemaVersion) ? versions[envelope.schemaVersion] : undefined;
    if (schema === undefined) {
      const known = versions === undefined ? 'the type is not registered' : `registered versions: ${Object.keys(versions).join(', ')}`;
      const message = `${describe(source)} has event type "${clip(envelope.type)}" schema version "${clip(envelope.schemaVersion)}" with no schema (${known}); add it to the consumer's schemas`;
      return unknownSchemaVersion(source, envelope.type, envelope.schemaVersion, message);
    }
    const result = schema['~standard'].validate(envelope.data);
    return result instanceof Promise ? result.then((settled) => finish(settled, envelope, source)) : finish(result, envelope, source);
  };
}
