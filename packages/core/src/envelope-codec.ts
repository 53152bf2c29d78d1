import { fromCloudEvent, toCloudEvent, type ParsedEnvelope, type ParseEnvelopeOptions } from './cloud-event.js';
import type { Envelope } from './envelope.js';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import type { StandardSchemaV1 } from './standard-schema.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Media type of the bytes {@link encodeEnvelope} writes. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/**
 * Encodes an envelope as UTF-8 CloudEvents structured JSON (`application/cloudevents+json`), so any
 * CloudEvents consumer can read it.
 *
 * @throws IapError `DECODE` when `data` cannot be represented as JSON (a cycle, a bigint).
 * @example
 * ```ts
 * const bytes = encodeEnvelope(envelope);
 * const back = decodeEnvelope(bytes); // deep-equal to envelope
 * ```
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  let json: string;
  try {
    json = JSON.stringify(toCloudEvent(envelope));
  } catch (error) {
    throw new IapError(ErrorCode.DECODE, `envelope ${envelope.id} cannot be encoded as JSON: its data holds a cycle or a value JSON cannot represent`, { cause: error });
  }
  return encoder.encode(json);
}

/**
 * Decodes bytes (or a string) written by {@link encodeEnvelope}, or any CloudEvents structured JSON,
 * into a validated envelope.
 *
 * @throws IapError `DECODE` for invalid UTF-8 or JSON (with the byte position, never the content);
 *   ValidationError listing every invalid attribute.
 */
export function decodeEnvelope<S extends StandardSchemaV1 | undefined = undefined>(input: Uint8Array | string, options: ParseEnvelopeOptions<S> = {}): ParsedEnvelope<S> {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = decoder.decode(input);
    } catch (error) {
      throw new IapError(ErrorCode.DECODE, 'envelope bytes are not valid UTF-8', { cause: error });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    throw new IapError(ErrorCode.DECODE, `envelope is not valid JSON${position === undefined ? '' : ` (at position ${position})`}`, {
      details: position === undefined ? {} : { position: Number(position) },
    });
  }
  return fromCloudEvent(value, options);
}
