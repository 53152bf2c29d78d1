/**
 * Rows the relay's claim returns, turned into what it publishes. The outbox stores an envelope in
 * two columns: `envelope` holds the CloudEvents attributes (the CloudEvent without `data`) and `data`
 * the `data` member as the JSON text enqueue wrote (the claim returns it as `data_json`). For JSON
 * data the relay never parses and re-serialises the payload: the message carries the text as
 * `dataJson` (a Kafka publisher writes it as it is, byte for byte what was enqueued) and the
 * envelope parses it only if something reads `envelope.data`. A row written by an older writer
 * keeps `data` inside `envelope` (no `data_json`) and is decoded whole.
 */
import { fromCloudEvent, isJsonContentType, type Envelope, type PublishMessage } from '@iap/core';
import { decodeStoredEnvelope, parseColumn } from './stored-envelope.js';
import type { RelayMessageRef } from '../relay-events.js';
import { readCount, readNumber, readString } from './rows.js';

/**
 * A claimed row's bookkeeping. It holds no payload: the relay keeps it until the batch's outcome is
 * recorded, which for a published batch is the next claim's round trip.
 */
export interface Claimed {
  readonly ref: RelayMessageRef;
  readonly unfinishedClaims: number;
  readonly createdAtMs: number;
}

/** A claimed row as the claim returned it, and its bookkeeping. */
export interface ClaimedRow {
  readonly claimed: Claimed;
  readonly row: Record<string, unknown>;
}

/** Reads the bookkeeping columns of a claimed row; the envelope is decoded later, per message. */
export function decodeClaimedRow(row: unknown): ClaimedRow {
  const raw = row as Record<string, unknown>;
  const claimed: Claimed = {
    ref: {
      id: readString(raw, 'id') ?? '',
      messageId: readString(raw, 'message_id') ?? '',
      destination: readString(raw, 'destination') ?? '',
      partitionKey: readString(raw, 'partition_key'),
      attempt: readCount(raw, 'attempts'),
    },
    unfinishedClaims: readCount(raw, 'unfinished_claims'),
    createdAtMs: readNumber(raw, 'created_at_ms') ?? 0,
  };
  return { claimed, row: raw };
}

/**
 * Orders claimed rows by id. Ids are non-negative bigints as decimal text without leading zeros, so
 * a shorter text is a smaller number and equal lengths compare as strings (no BigInt per comparison).
 */
export function compareRowIds(a: ClaimedRow, b: ClaimedRow): number {
  const x = a.claimed.ref.id;
  const y = b.claimed.ref.id;
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Row ids as one PostgreSQL array literal for a `$n::bigint[]` parameter. The ids come from the
 * claim's own `id::text` (digits only), so they need no quoting; one string is much cheaper for the
 * driver to send than an array it escapes element by element.
 */
export function idArrayLiteral(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/** An envelope whose `data` is parsed from `dataJson` on first read, then kept. */
function withLazyData(attributes: Envelope, dataJson: string): Envelope {
  let data: unknown;
  let parsed = false;
  return {
    ...attributes,
    get data(): unknown {
      if (!parsed) {
        data = JSON.parse(dataJson);
        parsed = true;
      }
      return data;
    },
  };
}

/**
 * The message to publish for a claimed row.
 * @throws ValidationError (or a SyntaxError for unparsable JSON) when the stored envelope is not
 *   valid; the relay dead-letters such a row with code `MESSAGE_DECODE`.
 */
export function toPublishMessage({ claimed, row: raw }: ClaimedRow): PublishMessage {
  const stored = parseColumn(raw.envelope);
  const dataJson = typeof raw.data_json === 'string' ? raw.data_json : undefined;
  // validates every attribute; data is absent here
  const attributes = fromCloudEvent(stored);
  let envelope: Envelope = attributes;
  let passOn: string | undefined;
  if (dataJson !== undefined) {
    const record = stored as Record<string, unknown>;
    if (record.data === undefined && (record.data_base64 === undefined || record.data_base64 === null) && isJsonContentType(attributes.dataContentType)) {
      envelope = withLazyData(attributes, dataJson);
      passOn = dataJson;
    } else {
      // a string for another content type, or a corrupt row (data in both columns, or next to
      // data_base64): the full check
      envelope = decodeStoredEnvelope(stored, dataJson);
    }
  }
  // the claim answers NULL for no headers (the usual case): one shared empty object then
  const headerValue = parseColumn(raw.headers);
  let headers: Readonly<Record<string, string>> = NO_HEADERS;
  if (typeof headerValue === 'object' && headerValue !== null) {
    const own: Record<string, string> = {};
    for (const [name, value] of Object.entries(headerValue as Record<string, unknown>)) if (typeof value === 'string') own[name] = value;
    headers = own;
  }
  return { id: claimed.ref.messageId, destination: claimed.ref.destination, partitionKey: claimed.ref.partitionKey, headers, envelope, dataJson: passOn };
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
