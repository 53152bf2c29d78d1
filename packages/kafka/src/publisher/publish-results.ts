import { ErrorCode, IapError, toIapError, type PublishMessage, type PublishResult } from '@iap/core';
import type { CoalescedOutcome } from '../internal/produce-coalescer.js';
import type { OutgoingRecord } from '../kafka-record.js';
import { encodeKafkaRecord, type CloudEventsMode } from '../record-codec.js';
import { toKafkaBrokerError } from '../kafka-errors.js';

/** The encoded records of one `publish` call bound for one topic, with the positions of their messages in the call. */
export interface TopicGroup {
  readonly topic: string;
  readonly records: OutgoingRecord[];
  readonly indexes: number[];
}

/**
 * Whether a message that failed with `error` may succeed when published again: every failure but
 * one caused by the message itself. A configuration failure (authorization, SASL) is not the
 * message's fault either: it stays retryable, so the relay keeps its key blocked and retries
 * instead of dead-lettering it.
 */
export function retryableForMessage(error: IapError): boolean {
  return error.retryable || error.details.failure === 'configuration';
}

/** The result of a message that was not published; `what` says why. */
export function publishFailure(id: string, error: unknown, retryable: boolean, what: string): PublishResult {
  return { id, ok: false, retryable, error: new IapError(ErrorCode.PUBLISH_FAILED, `message ${id} was not published: ${what}`, { cause: error, retryable }) };
}

/**
 * Encodes each message's envelope and groups the records by destination topic, in input order. A
 * message whose envelope cannot be encoded gets its (not retryable) failure in `results` at once.
 */
export function encodeByTopic(messages: readonly PublishMessage[], mode: CloudEventsMode, results: PublishResult[]): TopicGroup[] {
  const groups = new Map<string, TopicGroup>();
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    let record: OutgoingRecord;
    try {
      record = encodeKafkaRecord(message.envelope, { mode, headers: message.headers, key: message.partitionKey ?? undefined, dataJson: message.dataJson });
    } catch (error) {
      results[i] = publishFailure(message.id, error, false, `its envelope cannot be encoded (${toIapError(error).message})`);
      continue;
    }
    let group = groups.get(message.destination);
    if (group === undefined) {
      group = { topic: message.destination, records: [], indexes: [] };
      groups.set(message.destination, group);
    }
    group.records.push(record);
    group.indexes.push(i);
  }
  return [...groups.values()];
}

/** Sets the result of every message of `groups` to `result(index)`. */
export function resultForAll(groups: readonly TopicGroup[], results: PublishResult[], result: (index: number) => PublishResult): void {
  for (const g of groups) for (const index of g.indexes) results[index] = result(index);
}

/**
 * A result per record of a sent call: from `recordErrors` when the call was sent one record at a
 * time after a permanent failure (in the order submitted), otherwise the call's one outcome.
 */
export function resultsFromOutcome(messages: readonly PublishMessage[], groups: readonly TopicGroup[], outcome: CoalescedOutcome, results: PublishResult[]): void {
  const callError = outcome.recordErrors === undefined && outcome.error !== undefined ? toKafkaBrokerError(outcome.error) : undefined;
  let k = 0;
  for (const g of groups) {
    for (const index of g.indexes) {
      const error: unknown = outcome.recordErrors === undefined ? callError : outcome.recordErrors[k++];
      const id = messages[index]!.id;
      if (error === undefined) results[index] = { id, ok: true };
      else {
        const e = toKafkaBrokerError(error);
        results[index] = publishFailure(id, e, retryableForMessage(e), e.message);
      }
    }
  }
}
