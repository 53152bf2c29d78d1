/**
 * How a stored outbox row becomes an envelope again. The outbox keeps the CloudEvent's attributes in
 * `envelope` (`jsonb`) and its `data` as JSON text in `data` (`json`, NULL when there is none); a row
 * written by an older `enqueue` keeps `data` inside `envelope`. Shared by the relay's claim decoding
 * and `listDeadLetters`.
 */
import { fromCloudEvent, type Envelope } from '@iap/core';

/** A JSON column's value: drivers hand `jsonb` over parsed or as text. */
export function parseColumn(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/**
 * The whole envelope of a stored row, validated: the `envelope` column (parsed or text) with the
 * `data` column's JSON text put back, if there is one.
 * @throws ValidationError (or a SyntaxError for unparsable JSON, or an Error for a row holding data
 *   both in `envelope` and in `data`) when the row does not hold a valid envelope.
 */
export function decodeStoredEnvelope(envelopeColumn: unknown, dataJson: string | undefined): Envelope {
  const stored = parseColumn(envelopeColumn);
  if (dataJson === undefined) return fromCloudEvent(stored);
  if (typeof stored === 'object' && stored !== null && (stored as Record<string, unknown>).data !== undefined) {
    throw new Error('the row holds data both in its envelope and in its data column');
  }
  return fromCloudEvent(typeof stored === 'object' && stored !== null ? { ...stored, data: JSON.parse(dataJson) as unknown } : stored);
}
