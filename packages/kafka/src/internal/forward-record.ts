import { IapError } from '@iap/core';
import { DeadLetterHeaders, RetryHeaders } from '../dead-letter-headers.js';
import { encodeInt32, encodeInt64 } from '../header-values.js';
import type { OutgoingRecord, RecordHeaderValue, TimestampType, TransportMessage } from '../kafka-record.js';

/** Where the record being forwarded was consumed. */
export interface ForwardSource {
  readonly topic: string;
  readonly partition: number;
  readonly timestampType: TimestampType;
  readonly groupId: string;
  readonly message: TransportMessage;
}

const EXCEPTION_HEADERS: ReadonlySet<string> = new Set([
  DeadLetterHeaders.EXCEPTION_FQCN,
  DeadLetterHeaders.EXCEPTION_CAUSE_FQCN,
  DeadLetterHeaders.EXCEPTION_MESSAGE,
  DeadLetterHeaders.EXCEPTION_STACKTRACE,
  RetryHeaders.DUE_AT,
]);

/**
 * Builds the record written to a dead-letter or retry topic: the consumed key, value and headers as
 * they are (same bytes), plus the Spring `kafka_dlt-*` headers. The `original-*` headers are added
 * only when absent, so along a retry-topic chain they keep describing the first (main topic)
 * record; exception headers and the due time of an earlier hop are replaced (a dead letter keeps the
 * `iap-retry-attempt` it arrived with).
 */
export function buildForwardRecord(source: ForwardSource, error: unknown, retry?: { readonly attempt: number; readonly dueAt: number }): OutgoingRecord {
  const { message } = source;
  const headers: Record<string, RecordHeaderValue> = {};
  const incoming = message.headers;
  if (incoming !== undefined) {
    for (const name in incoming) {
      const value = incoming[name];
      if (value === undefined || EXCEPTION_HEADERS.has(name) || (retry !== undefined && name === RetryHeaders.ATTEMPT)) continue;
      headers[name] = value;
    }
  }
  if (headers[DeadLetterHeaders.ORIGINAL_TOPIC] === undefined) {
    headers[DeadLetterHeaders.ORIGINAL_TOPIC] = Buffer.from(source.topic, 'utf8');
    headers[DeadLetterHeaders.ORIGINAL_PARTITION] = encodeInt32(source.partition);
    headers[DeadLetterHeaders.ORIGINAL_OFFSET] = encodeInt64(message.offset);
    headers[DeadLetterHeaders.ORIGINAL_TIMESTAMP] = encodeInt64(message.timestamp);
    headers[DeadLetterHeaders.ORIGINAL_TIMESTAMP_TYPE] = Buffer.from(source.timestampType, 'utf8');
    headers[DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP] = Buffer.from(source.groupId, 'utf8');
  }
  headers[DeadLetterHeaders.EXCEPTION_FQCN] = Buffer.from(errorClassName(error), 'utf8');
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause !== undefined && cause !== null) headers[DeadLetterHeaders.EXCEPTION_CAUSE_FQCN] = Buffer.from(errorClassName(cause), 'utf8');
  const text = errorMessage(error);
  if (text !== '') headers[DeadLetterHeaders.EXCEPTION_MESSAGE] = Buffer.from(text, 'utf8');
  headers[DeadLetterHeaders.EXCEPTION_STACKTRACE] = Buffer.from(stackTrace(error), 'utf8');
  if (retry !== undefined) {
    headers[RetryHeaders.ATTEMPT] = encodeInt32(retry.attempt);
    headers[RetryHeaders.DUE_AT] = encodeInt64(Math.round(retry.dueAt));
  }
  return { key: message.key, value: message.value, headers };
}

/** The class name written as `kafka_dlt-exception-fqcn`: `IapError:<code>` for IapErrors, else the error's name. */
export function errorClassName(error: unknown): string {
  if (IapError.isInstance(error)) return `IapError:${error.code}`;
  if (error instanceof Error) {
    if (error.name !== 'Error') return error.name;
    const constructorName = (error.constructor as { name?: unknown } | undefined)?.name;
    return typeof constructorName === 'string' && constructorName !== '' ? constructorName : 'Error';
  }
  return error === null ? 'null' : typeof error;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return `a non-Error value of type ${error === null ? 'null' : typeof error} was thrown`;
}

/**
 * An error's stack; a typed IapError (`MessageDecodeError`, ...) begins with its class name as the
 * `kafka_dlt-exception-fqcn` header has it (`IapError:MESSAGE_DECODE`), as Java's stack traces
 * begin with the exception's class, and as the stacks of plain IapErrors always began.
 */
function stackOf(error: Error, stack: string): string {
  if (!IapError.isInstance(error) || error.name === 'IapError' || !stack.startsWith(`${error.name}: `)) return stack;
  return `${errorClassName(error)}${stack.slice(error.name.length)}`;
}

/** The stack with its causes, like Java's printStackTrace ("Caused by: ..."). */
function stackTrace(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const text = current instanceof Error ? (current.stack === undefined ? `${errorClassName(current)}: ${current.message}` : stackOf(current, current.stack)) : errorMessage(current);
    parts.push(depth === 0 ? text : `Caused by: ${text}`);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}
