/**
 * Runs a consumer's own `decode` option on a record: what it throws and what it returns that is not
 * a valid envelope both become the record's `MESSAGE_DECODE` error (its dead-letter cause). The
 * thrown error is kept as the cause only: its message may quote the payload, so the error's own
 * message names its type, never its text.
 */
import { formatIssuePath, validateEnvelope, type Envelope, type IapError } from '@iap/core';
import type { ConsumedRecord } from '../consumer-options.js';
import { messageDecodeError } from '../kafka-errors.js';
import { errorClassName } from './forward-record.js';
import type { RecordLocation, TransportMessage } from '../kafka-record.js';

/** The envelope `decode` makes of `message`, or the `MESSAGE_DECODE` error. Never throws. */
export function decodeWithOption(decode: (record: ConsumedRecord) => Envelope, message: TransportMessage, location: RecordLocation): Envelope | IapError {
  let result: unknown;
  try {
    result = decode({
      topic: location.topic,
      partition: location.partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
    });
  } catch (error) {
    return messageDecodeError(location, `the consumer's decode function rejected it (${errorClassName(error)})`, { cause: error });
  }
  const issues = validateEnvelope(result);
  if (issues.length > 0) {
    const listed = issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`).join('; ');
    return messageDecodeError(location, `the consumer's decode function returned an invalid envelope (${listed})`);
  }
  // a copy the consumer owns: schema validation may replace its data
  return { ...(result as Envelope) };
}
