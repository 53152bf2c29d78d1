import { fromCloudEvent, toCloudEvent, type ParsedEnvelope, type ParseEnvelopeOptions } from './cloud-event.js';
import type { Envelope } from './envelope.js';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import { jsonErrorIndex, lineAndColumn } from './internal/json-error-index.js';
import { utf8ErrorOffset } from './internal/utf8-error-offset.js';
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
 * @throws IapError `DECODE` for invalid UTF-8 or JSON, with where it went wrong and never the content:
 *   `details.byteOffset` (bytes input) and, for JSON, `details.position` (character index),
 *   `details.line` and `details.column`; ValidationError listing every invalid attribute.
 * @example
 * ```ts
 * const envelope = decodeEnvelope(message.value, { dataSchema: OrderPlaced });
 * ```
 */
export function decodeEnvelope<S extends StandardSchemaV1 | undefined = undefined>(input: Uint8Array | string, options: ParseEnvelopeOptions<S> = {}): ParsedEnvelope<S> {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    try {
      text = decoder.decode(input);
    } catch (error) {
      const byteOffset = utf8ErrorOffset(input);
      throw new IapError(ErrorCode.DECODE, `envelope bytes are not valid UTF-8${byteOffset < 0 ? '' : ` (at byte ${byteOffset})`}`, {
        cause: error,
        details: byteOffset < 0 ? {} : { byteOffset },
      });
    }
  } else {
    throw new IapError(ErrorCode.DECODE, `decodeEnvelope expects a Uint8Array or a string, got ${input === null ? 'null' : typeof input}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not kept as cause: V8's message quotes the input.
    throw jsonDecodeError(text, input);
  }
  return fromCloudEvent(value, options);
}

function jsonDecodeError(text: string, input: Uint8Array | string): IapError {
  const position = jsonErrorIndex(text);
  if (position < 0) return new IapError(ErrorCode.DECODE, 'envelope is not valid JSON');
  const { line, column } = lineAndColumn(text, position);
  let byteOffset: number | undefined;
  if (typeof input !== 'string') {
    const bom = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? 3 : 0; // the decoder drops a BOM
    byteOffset = bom + encoder.encode(text.slice(0, position)).length;
  }
  const where = position >= text.length ? 'it ends too early' : `at line ${line}, column ${column}`;
  return new IapError(ErrorCode.DECODE, `envelope is not valid JSON: ${where}${byteOffset === undefined ? '' : ` (byte ${byteOffset})`}`, {
    details: { position, line, column, ...(byteOffset === undefined ? {} : { byteOffset }) },
  });
}
