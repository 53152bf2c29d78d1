/**
 * Rows the relay's claim returns, turned into what it publishes. The claim answers one JSON array
 * text of rows, each row an array (positions in {@link ClaimedColumn}); the envelope comes in two
 * parts: its CloudEvents attributes (the stored JSON without `data`) and the `data` member's JSON
 * text as PostgreSQL renders it. For JSON data the relay never parses and re-serialises the payload:
 * the message carries the text as `dataJson` (a Kafka publisher writes it as it is) and the envelope
 * parses it only if something reads `envelope.data`.
 */
import { fromCloudEvent, isJsonContentType, type Envelope, type PublishMessage } from '@iap/core';
import type { RelayMessageRef } from '../relay-events.js';

/** Positions in a claimed row's array, as the claim statement (outbox-sql.ts) builds it. */
export const ClaimedColumn = {
  ID: 0,
  MESSAGE_ID: 1,
  DESTINATION: 2,
  PARTITION_KEY: 3,
  ATTEMPTS: 4,
  UNFINISHED_CLAIMS: 5,
  CREATED_AT_MS: 6,
  HEADERS: 7,
  ATTRIBUTES: 8,
  DATA_JSON: 9,
} as const;

/** A claimed row, decoded. */
export interface Claimed {
  readonly ref: RelayMessageRef;
  readonly unfinishedClaims: number;
  readonly createdAtMs: number;
  /** The stored envelope without `data` (parsed JSON, not yet validated). */
  readonly attributes: unknown;
  /** The stored `data` member as JSON text; undefined when the envelope has none. */
  readonly dataJson: string | undefined;
  /** The stored headers (parsed JSON, not yet checked). */
  readonly headers: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Reads one row of the claim's JSON array; the envelope is validated later, per message. */
export function decodeClaimedRow(row: unknown): Claimed {
  const columns: readonly unknown[] = Array.isArray(row) ? row : [];
  return {
    ref: {
      id: text(columns[ClaimedColumn.ID]) ?? '',
      messageId: text(columns[ClaimedColumn.MESSAGE_ID]) ?? '',
      destination: text(columns[ClaimedColumn.DESTINATION]) ?? '',
      partitionKey: text(columns[ClaimedColumn.PARTITION_KEY]),
      attempt: count(columns[ClaimedColumn.ATTEMPTS]),
    },
    unfinishedClaims: count(columns[ClaimedColumn.UNFINISHED_CLAIMS]),
    createdAtMs: count(columns[ClaimedColumn.CREATED_AT_MS]),
    attributes: columns[ClaimedColumn.ATTRIBUTES],
    dataJson: text(columns[ClaimedColumn.DATA_JSON]),
    headers: columns[ClaimedColumn.HEADERS],
  };
}

/**
 * The claimed rows of a claim's `claimed` column (JSON text, or already parsed by a driver that
 * parses json), in id order; none for NULL.
 */
export function decodeClaimedRows(column: unknown): Claimed[] {
  if (column === null || column === undefined) return [];
  const rows: unknown = typeof column === 'string' ? JSON.parse(column) : column;
  return Array.isArray(rows) ? rows.map(decodeClaimedRow) : [];
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
export function toPublishMessage(claimed: Claimed): PublishMessage {
  const stored = claimed.attributes;
  const dataJson = claimed.dataJson;
  // validates every attribute; data is absent here
  const attributes = fromCloudEvent(stored);
  let envelope: Envelope = attributes;
  let passOn: string | undefined;
  if (dataJson !== undefined) {
    const record = stored as Record<string, unknown>;
    if ((record.data_base64 === undefined || record.data_base64 === null) && isJsonContentType(attributes.dataContentType)) {
      envelope = withLazyData(attributes, dataJson);
      passOn = dataJson;
    } else {
      // a string for another content type, or a corrupt row with data and data_base64: the full check
      envelope = fromCloudEvent({ ...record, data: JSON.parse(dataJson) as unknown });
    }
  }
  const headerValue = claimed.headers;
  const headers: Record<string, string> = {};
  if (typeof headerValue === 'object' && headerValue !== null) {
    for (const [name, value] of Object.entries(headerValue as Record<string, unknown>)) if (typeof value === 'string') headers[name] = value;
  }
  const partitionKey = claimed.ref.partitionKey;
  return {
    id: claimed.ref.messageId,
    destination: claimed.ref.destination,
    ...(partitionKey === undefined ? {} : { partitionKey }),
    headers,
    envelope,
    ...(passOn === undefined ? {} : { dataJson: passOn }),
  };
}
