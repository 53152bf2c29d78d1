/**
 * Merges produce requests that wait behind requests in flight into one request. kafkajs sends every
 * `sendBatch` as its own produce request (one per leader broker), and a broker serves one
 * connection's requests one at a time, so concurrent batches wait anyway; sending them together
 * saves the per-request work of the client and the broker without a timer and without added
 * latency: a request that finds a free slot goes out at once.
 *
 * A request that fails for good (the `isolate` predicate) is split while it keeps its slot, so no
 * later call overtakes its records: a merged request is sent again call by call, and a call's
 * request with several records is then sent record by record, each record getting its own outcome.
 */
import type { OutgoingRecord } from '../kafka-record.js';
import { estimateRecordBytes } from './record-size-estimate.js';

/** Records for one topic, in send order. */
export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
}

/**
 * How a submitted call ended: every record written (`{}`), the call failed as a whole (`error`), or
 * its records were sent one by one after a permanent failure (`recordErrors`: one entry per record,
 * topics in the order given, `undefined` for a record that was written).
 */
export interface CoalescedOutcome {
  readonly error?: unknown;
  readonly recordErrors?: readonly unknown[];
}

/** A submitted call: its outcome, and `cancel` for a caller that stops waiting. */
export interface CoalescedSend {
  /** Settles once the call's records were sent and answered; never rejects. */
  readonly outcome: Promise<CoalescedOutcome>;
  /**
   * The caller stops waiting (timeout, abort). A call that has not gone out yet is withdrawn (its
   * outcome then reports `reason`) and is not re-sent after a failure; once every caller of a request
   * in flight has stopped waiting, its slot is freed, so a broker that never answers cannot hold the
   * slots for good.
   */
  cancel(reason: unknown): void;
}

/** Options of {@link createProduceCoalescer}. */
export interface ProduceCoalescerOptions {
  /** Sends one (possibly merged) request. */
  readonly send: (topicRecords: readonly TopicRecords[]) => Promise<void>;
  /** Requests in flight at once; calls beyond wait and are merged. */
  readonly maxInFlight: number;
  /** Upper bound of a merged request's estimated size; a single larger call still goes alone. */
  readonly maxBytes: number;
  /** Whether a failure is permanent, so that splitting the request can tell the culprits apart. */
  readonly isolate: (error: unknown) => boolean;
  /** Called before a call's records are sent one by one. */
  readonly onIsolate?: (error: unknown, records: number) => void;
}

/** See the module comment. */
export interface ProduceCoalescer {
  /** Queues a call; its size is estimated only if it has to wait. */
  submit(topicRecords: readonly TopicRecords[]): CoalescedSend;
}

interface Call {
  readonly topicRecords: readonly TopicRecords[];
  /** Estimated size, computed when a merge needs it. */
  bytes: number | undefined;
  readonly settle: (outcome: CoalescedOutcome) => void;
  state: 'waiting' | 'sent' | 'cancelled';
  flight?: Flight;
}

/** A request in flight; it holds a slot until it is done or every caller stopped waiting. */
interface Flight {
  readonly calls: readonly Call[];
  holdsSlot: boolean;
}

function merge(calls: readonly Call[]): readonly TopicRecords[] {
  if (calls.length === 1) return calls[0]!.topicRecords;
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const call of calls) {
    for (const { topic, records } of call.topicRecords) {
      const list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, [...records]);
      else for (const record of records) list.push(record);
    }
  }
  return [...byTopic].map(([topic, records]) => ({ topic, records }));
}

const recordCount = (call: Call): number => call.topicRecords.reduce((n, t) => n + t.records.length, 0);

/** Creates a coalescer; see the module comment. Merged records go in submission order. */
export function createProduceCoalescer(options: ProduceCoalescerOptions): ProduceCoalescer {
  const queue: Call[] = [];
  let inFlight = 0;

  const sizeOf = (call: Call): number => {
    if (call.bytes === undefined) {
      let bytes = 0;
      for (const { records } of call.topicRecords) bytes += estimateRecordBytes(records);
      call.bytes = bytes;
    }
    return call.bytes;
  };

  const freeSlot = (flight: Flight): void => {
    if (!flight.holdsSlot) return;
    flight.holdsSlot = false;
    inFlight--;
    pump();
  };

  /** Sends `topicRecords`; the error, or undefined when it was written. */
  const attempt = async (topicRecords: readonly TopicRecords[]): Promise<unknown> => {
    try {
      await options.send(topicRecords);
      return undefined;
    } catch (error) {
      // a send that throws `undefined` still counts as failed
      return error ?? new Error('the send failed without an error');
    }
  };

  /** A call's records one by one, in order, after its request failed for good. */
  const isolateRecords = async (call: Call, error: unknown): Promise<void> => {
    const count = recordCount(call);
    if (count === 1) return call.settle({ error });
    options.onIsolate?.(error, count);
    const recordErrors: unknown[] = [];
    for (const { topic, records } of call.topicRecords) {
      for (const record of records) {
        // a caller that gave up is told nothing more, so its remaining records are not sent
        recordErrors.push(call.state === 'cancelled' ? error : await attempt([{ topic, records: [record] }]));
      }
    }
    call.settle({ recordErrors });
  };

  const fly = async ({ calls }: Flight): Promise<void> => {
    const error = await attempt(merge(calls));
    for (const call of calls) {
      if (error === undefined) call.settle({});
      else if (!options.isolate(error) || call.state === 'cancelled') call.settle({ error });
      else {
        // failed for good: the culprit may be any call's record, so a merged request is sent again
        // call by call, and a call that still fails is split record by record
        const alone = calls.length === 1 ? error : await attempt(call.topicRecords);
        if (alone === undefined) call.settle({});
        else if (options.isolate(alone)) await isolateRecords(call, alone);
        else call.settle({ error: alone });
      }
    }
  };

  const pump = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const calls = [queue.shift()!];
      // a call that goes out alone is never measured
      let bytes = queue.length > 0 ? sizeOf(calls[0]!) : 0;
      while (queue.length > 0 && bytes + sizeOf(queue[0]!) <= options.maxBytes) {
        const next = queue.shift()!;
        bytes += sizeOf(next);
        calls.push(next);
      }
      const flight: Flight = { calls, holdsSlot: true };
      for (const call of calls) {
        call.state = 'sent';
        call.flight = flight;
      }
      inFlight++;
      void fly(flight)
        .catch((error: unknown) => {
          // fly settles every call itself; this covers a throwing onIsolate (e.g. a logger), so no call hangs
          for (const call of calls) call.settle({ error });
        })
        .finally(() => freeSlot(flight));
    }
  };

  return {
    submit(topicRecords) {
      let settle!: (outcome: CoalescedOutcome) => void;
      const outcome = new Promise<CoalescedOutcome>((resolve) => {
        settle = resolve;
      });
      const call: Call = { topicRecords, bytes: undefined, settle, state: 'waiting' };
      queue.push(call);
      pump();
      return {
        outcome,
        cancel(reason) {
          if (call.state === 'waiting') {
            call.state = 'cancelled';
            const index = queue.indexOf(call);
            if (index !== -1) queue.splice(index, 1);
            settle({ error: reason });
          } else if (call.state === 'sent') {
            call.state = 'cancelled';
            const flight = call.flight!;
            if (flight.calls.every((c) => c.state === 'cancelled')) freeSlot(flight);
          }
        },
      };
    },
  };
}
