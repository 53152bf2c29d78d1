import { ValidationError, toValidationIssues, type Envelope, type IapError, type StandardSchemaV1 } from '@iap/core';
import { UnknownSchemaVersionError, describeLocation } from '../kafka-errors.js';
import type { RecordLocation } from '../kafka-record.js';
import type { SchemaMap } from '../consumer-options.js';

/** Validates an event's data with the schema registered for its type and schema version: the valid envelope or the error. */
export type DataValidator = (envelope: Envelope, location: RecordLocation) => Envelope | IapError | Promise<Envelope | IapError>;

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Builds the validator for a schema map. A type or version without a schema gives
 * `UNKNOWN_SCHEMA_VERSION`; invalid data gives a `ValidationError` (code `VALIDATION`) whose issue
 * paths start at `data`. Synchronous schemas stay synchronous (no promise per record). With
 * `inPlace`, the schema's output replaces `data` on the given envelope object (for callers that own
 * a freshly decoded envelope) instead of a copy.
 */
export function createDataValidator(schemas: SchemaMap, options: { readonly inPlace?: boolean } = {}): DataValidator {
  const inPlace = options.inPlace === true;
  return (envelope, location) => {
    const versions = Object.prototype.hasOwnProperty.call(schemas, envelope.type) ? schemas[envelope.type] : undefined;
    const schema = versions !== undefined && Object.prototype.hasOwnProperty.call(versions, envelope.schemaVersion) ? versions[envelope.schemaVersion] : undefined;
    if (schema === undefined) {
      const known = versions === undefined ? 'the type is not registered' : `registered versions: ${Object.keys(versions).join(', ')}`;
      return new UnknownSchemaVersionError(
        location,
        envelope.type,
        envelope.schemaVersion,
        `${describeLocation(location)} has event type "${clip(envelope.type)}" schema version "${clip(envelope.schemaVersion)}" with no schema (${known}); add it to the consumer's schemas`,
      );
    }
    const result = schema['~standard'].validate(envelope.data);
    return result instanceof Promise ? result.then((settled) => finish(settled, envelope, location, inPlace)) : finish(result, envelope, location, inPlace);
  };
}

function finish(result: StandardSchemaV1.Result<unknown>, envelope: Envelope, location: RecordLocation, inPlace: boolean): Envelope | IapError {
  if (result.issues !== undefined) return new ValidationError(`data of ${clip(envelope.type)} v${clip(envelope.schemaVersion)} in ${describeLocation(location)}`, toValidationIssues(result.issues, ['data']));
  if (result.value === envelope.data) return envelope;
  if (inPlace) {
    (envelope as { data: unknown }).data = result.value;
    return envelope;
  }
  return { ...envelope, data: result.value };
}
