/**
 * The estimated wire size of records, which bounds how many publish calls the produce coalescer
 * merges into one request.
 */
import type { OutgoingRecord, RecordHeaderValue } from '../kafka-record.js';

/** Framing bytes a record adds beyond its key, value and headers (length varints, attributes, deltas). */
const RECORD_OVERHEAD = 24;

const byteLength = (value: unknown): number => (typeof value === 'string' || Buffer.isBuffer(value) ? value.length : 0);

function headerBytes(name: string, value: RecordHeaderValue | undefined): number {
  if (Array.isArray(value)) {
    let bytes = 0;
    for (const item of value as readonly unknown[]) bytes += 2 + name.length + byteLength(item);
    return bytes;
  }
  return value === undefined ? 0 : 2 + name.length + byteLength(value);
}

/**
 * Estimated size of `records` on the wire: strings count one byte per UTF-16 unit (exact for ASCII
 * header values), values of a wrong type count nothing (the send reports them). An underestimate is
 * safe: a merged request the broker finds too large fails for good, and the coalescer then sends
 * each call's records on their own.
 */
export function estimateRecordBytes(records: readonly OutgoingRecord[]): number {
  let bytes = 0;
  for (const record of records) {
    bytes += RECORD_OVERHEAD + byteLength(record.key) + byteLength(record.value);
    const headers = record.headers as Record<string, RecordHeaderValue | undefined> | null | undefined;
    if (typeof headers !== 'object' || headers === null) continue;
    for (const name in headers) bytes += headerBytes(name, headers[name]);
  }
  return bytes;
}
