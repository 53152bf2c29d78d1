/**
 * Merges produce requests that wait behind requests in flight into one request. kafkajs sends every
 * `sendBatch` as its own produce request, and a broker serves one connection's requests one at a
 * time, so concurrent batches wait anyway; sending them together saves the per-request work of the
 * client and the broker (framing, CRC, the request round itself) without a timer and without added
 * latency: a request that finds a free slot goes out at once.
 */
import type { OutgoingRecord } from '../kafka-record.js';

/** Records for one topic, in send order. */
export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
}

/** How a submitted request ended. `merged`: it went out together with other requests. */
export type CoalescedOutcome = { readonly ok: true; readonly merged: boolean } | { readonly ok: false; readonly error: unknown; readonly merged: boolean };

/** A submitted request: its outcome, and `cancel` to withdraw it while it still waits. */
export interface CoalescedSend {
  /** Settles once the request (alone or merged) was sent and answered; never rejects. */
  readonly outcome: Promise<CoalescedOutcome>;
  /**
   * The caller stops waiting (timeout, abort). A request that has not gone out yet is withdrawn (its
   * outcome then reports `reason`); once every caller of a request in flight has stopped waiting, its
   * slot is freed, so a broker that never answers cannot hold the slots for good.
   */
  cancel(reason: unknown): void;
}

/** Options of {@link createProduceCoalescer}. */
export interface ProduceCoalescerOptions {
  /** Sends one (possibly merged) request. */
  readonly send: (topicRecords: readonly TopicRecords[]) => Promise<void>;
  /** Requests in flight at once; submissions beyond wait and are merged. */
  readonly maxInFlight: number;
  /** Upper bound of a merged request's estimated size; a single larger request still goes alone. */
  readonly maxBytes: number;
}

/** See the module comment. */
export interface ProduceCoalescer {
  /** Queues a request; its size is estimated (with {@link estimateRecordBytes}) only if it has to wait. */
  submit(topicRecords: readonly TopicRecords[]): CoalescedSend;
}

interface Waiting {
  readonly topicRecords: readonly TopicRecords[];
  /** Estimated size, computed when a merge needs it. */
  bytes: number | undefined;
  readonly settle: (outcome: CoalescedOutcome) => void;
  state: 'waiting' | 'sent' | 'cancelled';
  flight?: Flight;
}

/** A request in flight; it holds a slot until it settles or every caller stopped waiting. */
interface Flight {
  readonly batch: readonly Waiting[];
  holdsSlot: boolean;
}

/** Framing bytes a record adds beyond its key, value and headers (length varints, attributes, deltas). */
const RECORD_OVERHEAD = 24;

/**
 * A request's estimated size on the wire, what merging is bounded by: strings count one byte per
 * UTF-16 unit (exact for ASCII header values). An underestimate is safe: a merged request the broker
 * finds too large fails, and its parts are then sent alone (see the publisher).
 */
export function estimateRecordBytes(records: readonly OutgoingRecord[]): number {
  let bytes = 0;
  for (const record of records) {
    bytes += RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
    const headers = record.headers;
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined) continue;
      if (typeof value === 'string' || Buffer.isBuffer(value)) bytes += 2 + name.length + value.length;
      else for (const item of value) bytes += 2 + name.length + item.length;
    }
  }
  return bytes;
}

function merge(batch: readonly Waiting[]): readonly TopicRecords[] {
  if (batch.length === 1) return batch[0]!.topicRecords;
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const waiting of batch) {
    for (const { topic, records } of waiting.topicRecords) {
      const list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, [...records]);
      else for (const record of records) list.push(record);
    }
  }
  return [...byTopic].map(([topic, records]) => ({ topic, records }));
}

/** Creates a coalescer; see the module comment. Order is kept: merged records go in submission order. */
export function createProduceCoalescer(options: ProduceCoalescerOptions): ProduceCoalescer {
  const queue: Waiting[] = [];
  let inFlight = 0;

  const freeSlot = (flight: Flight): void => {
    if (!flight.holdsSlot) return;
    flight.holdsSlot = false;
    inFlight--;
    pump();
  };

  const sizeOf = (waiting: Waiting): number => {
    if (waiting.bytes === undefined) {
      let bytes = 0;
      for (const { records } of waiting.topicRecords) bytes += estimateRecordBytes(records);
      waiting.bytes = bytes;
    }
    return waiting.bytes;
  };

  const pump = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = [queue.shift()!];
      // a request that goes out alone is never measured
      let bytes = queue.length > 0 ? sizeOf(batch[0]!) : 0;
      while (queue.length > 0 && bytes + sizeOf(queue[0]!) <= options.maxBytes) {
        const next = queue.shift()!;
        bytes += sizeOf(next);
        batch.push(next);
      }
      const flight: Flight = { batch, holdsSlot: true };
      for (const waiting of batch) {
        waiting.state = 'sent';
        waiting.flight = flight;
      }
      const merged = batch.length > 1;
      inFlight++;
      // a send that throws instead of rejecting is reported the same way
      Promise.resolve()
        .then(() => options.send(merge(batch)))
        .then(
          () => {
            for (const waiting of batch) waiting.settle({ ok: true, merged });
          },
          (error: unknown) => {
            for (const waiting of batch) waiting.settle({ ok: false, error, merged });
          },
        )
        .finally(() => freeSlot(flight))
        .catch(() => undefined);
    }
  };

  return {
    submit(topicRecords) {
      let settle!: (outcome: CoalescedOutcome) => void;
      const outcome = new Promise<CoalescedOutcome>((resolve) => {
        settle = resolve;
      });
      const waiting: Waiting = { topicRecords, bytes: undefined, settle, state: 'waiting' };
      queue.push(waiting);
      pump();
      return {
        outcome,
        cancel(reason) {
          if (waiting.state === 'waiting') {
            waiting.state = 'cancelled';
            queue.splice(queue.indexOf(waiting), 1);
            settle({ ok: false, error: reason, merged: false });
          } else if (waiting.state === 'sent') {
            waiting.state = 'cancelled';
            const flight = waiting.flight!;
            if (flight.batch.every((w) => w.state === 'cancelled')) freeSlot(flight);
          }
        },
      };
    },
  };
}
