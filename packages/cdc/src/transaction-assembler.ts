import { ErrorCode, IapError, systemClock, type Clock } from '@iap/core';
import type { ChangeEvent } from './change-event.js';

/** Options of {@link createTransactionAssembler}. */
export interface TransactionAssemblerOptions {
  /**
   * Most transactions buffered at once; beyond it the oldest is released incomplete (`overflow`).
   * @defaultValue `10_000`
   */
  readonly maxOpenTransactions?: number;
  /**
   * Most data events buffered across all open transactions; beyond it the oldest transaction is
   * released incomplete (`overflow`).
   * @defaultValue `100_000`
   */
  readonly maxBufferedEvents?: number;
  /**
   * Release a transaction incomplete (`timeout`) when it has been open this long (checked on
   * `push` and `expire`). Unset: wait for the END marker forever (bounded by the limits above).
   * @defaultValue none
   */
  readonly transactionTimeoutMs?: number;
  /**
   * How many released transaction ids to remember, so that a late duplicate event of a released
   * transaction is dropped instead of opening a transaction that never completes.
   * @defaultValue `1000`
   */
  readonly rememberReleased?: number;
  /**
   * Called (synchronously) each time a limit forces a transaction out incomplete, before the
   * `overflow` batch is returned: alert on it, since it means transactions are larger or more
   * interleaved than the limits allow.
   * @defaultValue none
   */
  readonly onOverflow?: (event: TransactionOverflowEvent) => void;
  /**
   * Time source for timeouts.
   * @defaultValue `systemClock`
   */
  readonly clock?: Clock;
}

/** What {@link TransactionAssemblerOptions.onOverflow} receives. */
export interface TransactionOverflowEvent {
  readonly type: 'transaction-overflow';
  /** The limit that was exceeded. */
  readonly limit: 'maxOpenTransactions' | 'maxBufferedEvents';
  /** The limit's value. */
  readonly limitValue: number;
  /** The transaction released incomplete. */
  readonly transactionId: string;
  /** Its data events released with it. */
  readonly releasedEventCount: number;
}

/** Why a batch was released. */
export type BatchReleaseReason = 'completed' | 'no-transaction' | 'timeout' | 'overflow' | 'flushed';

/** Received vs expected events of one table in a transaction. */
export interface DataCollectionProgress {
  readonly dataCollection: string;
  readonly expectedEventCount: number | null;
  readonly receivedEventCount: number;
}

/** The events of one transaction (or one event outside any), released together. */
export interface TransactionBatch {
  /**
   * Transaction id, or null for an event outside any transaction. For Debezium PostgreSQL ids of
   * the form `txId:LSN` this is the `txId` part (the part every event of the transaction shares).
   */
  readonly transactionId: string | null;
  /** The data events, in transaction order (`total_order`) when the events carry it. */
  readonly events: readonly ChangeEvent[];
  /** True when every expected event arrived (or the event had no transaction). */
  readonly complete: boolean;
  readonly reason: BatchReleaseReason;
  /** The END marker's event count, when it came. */
  readonly expectedEventCount: number | null;
  /** Per-table counts, when the END marker listed them. */
  readonly dataCollections: readonly DataCollectionProgress[];
  /** The BEGIN / END marker events, when they came. */
  readonly begin: ChangeEvent | null;
  readonly end: ChangeEvent | null;
}

/** Groups change events by transaction and releases each transaction when it is complete. */
export interface TransactionAssembler {
  /**
   * Adds an event; returns the batches it completes or forces out (often none). Events outside
   * any transaction come straight back as a one-event batch.
   *
   * @example
   * ```ts
   * for (const batch of assembler.push(event)) await applyAtomically(batch.events);
   * ```
   */
  push(event: ChangeEvent): TransactionBatch[];
  /**
   * Releases transactions open longer than `transactionTimeoutMs` (incomplete, `timeout`).
   *
   * @example
   * ```ts
   * setInterval(() => assembler.expire().forEach(handleIncomplete), 1000).unref();
   * ```
   */
  expire(): TransactionBatch[];
  /**
   * Releases everything buffered (incomplete, `flushed`), oldest first: call on shutdown or
   * partition revocation.
   *
   * @example
   * ```ts
   * consumer.on('rebalance', () => assembler.flush().forEach(handleIncomplete));
   * ```
   */
  flush(): TransactionBatch[];
  /** Transactions currently buffered. */
  readonly openTransactions: number;
  /** Data events currently buffered. */
  readonly bufferedEvents: number;
  /** Duplicate events dropped so far (same `total_order` twice, or late events of a released transaction). */
  readonly duplicatesDropped: number;
}

interface OpenTransaction {
  readonly id: string;
  readonly openedAtMs: number;
  readonly events: ChangeEvent[];
  readonly orders: Set<number>;
  begin: ChangeEvent | null;
  end: ChangeEvent | null;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new IapError(ErrorCode.INVALID_OPTIONS, `transaction assembler option ${name} must be a positive integer`);
  return value;
}

const PG_TX_ID_WITH_LSN = /^(\d+):\d+$/;

/**
 * The part of a transaction id every event of one transaction shares: Debezium 3.x PostgreSQL
 * writes `txId:LSN` with each record's own LSN, so only the `txId` part groups; other ids as is.
 *
 * @example
 * ```ts
 * transactionGroupId('771:22180472'); // '771'
 * ```
 */
export function transactionGroupId(id: string): string {
  const match = PG_TX_ID_WITH_LSN.exec(id);
  return match === null ? id : match[1]!;
}

function dataCollectionOf(event: ChangeEvent): string {
  const { schema, database, table } = event.source;
  return `${schema ?? database ?? ''}.${table ?? ''}`;
}

function toBatch(open: OpenTransaction, complete: boolean, reason: BatchReleaseReason): TransactionBatch {
  const events = open.events.every((event) => event.transaction?.totalOrder != null)
    ? [...open.events].sort((a, b) => a.transaction!.totalOrder! - b.transaction!.totalOrder!)
    : open.events;
  const marker = open.end?.transactionMarker ?? null;
  const received = new Map<string, number>();
  for (const event of events) received.set(dataCollectionOf(event), (received.get(dataCollectionOf(event)) ?? 0) + 1);
  const dataCollections: DataCollectionProgress[] = (marker?.dataCollections ?? []).map((entry) => ({
    dataCollection: entry.dataCollection,
    expectedEventCount: entry.eventCount,
    receivedEventCount: received.get(entry.dataCollection) ?? 0,
  }));
  return { transactionId: open.id, events, complete, reason, expectedEventCount: marker?.eventCount ?? null, dataCollections, begin: open.begin, end: open.end };
}

/**
 * Creates a transaction assembler: it buffers the data events of each transaction (grouped by
 * the Debezium transaction block id — its `txId` part for PostgreSQL's `txId:LSN` — or wal2json
 * `xid`) and releases them together once the END marker has arrived and its `event_count` is
 * reached, in `total_order`; a wal2json format-1 message is a whole transaction and is released
 * complete as soon as its last event is pushed. Events may arrive before
 * or after their markers (they travel on different topics). Duplicates are dropped; memory is
 * bounded by `maxOpenTransactions` / `maxBufferedEvents` (defaults: 10,000 transactions, 100,000
 * events): beyond them the oldest transaction is released incomplete (`overflow`) and
 * `onOverflow` is called. No timers: time is only read.
 *
 * @example
 * ```ts
 * const assembler = createTransactionAssembler({ transactionTimeoutMs: 60_000 });
 * for (const event of parser.parse(value)) {
 *   for (const batch of assembler.push(event)) await applyAtomically(batch.events);
 * }
 * ```
 * @throws IapError `INVALID_OPTIONS` for a non-positive limit or timeout.
 */
export function createTransactionAssembler(options: TransactionAssemblerOptions = {}): TransactionAssembler {
  const maxOpen = positiveInteger('maxOpenTransactions', options.maxOpenTransactions, 10_000);
  const maxBuffered = positiveInteger('maxBufferedEvents', options.maxBufferedEvents, 100_000);
  const rememberReleased = positiveInteger('rememberReleased', options.rememberReleased, 1000);
  const timeoutMs = options.transactionTimeoutMs;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) throw new IapError(ErrorCode.INVALID_OPTIONS, 'transaction assembler option transactionTimeoutMs must be a positive number of milliseconds');
  const clock = options.clock ?? systemClock;
  const open = new Map<string, OpenTransaction>();
  const released = new Set<string>();
  let buffered = 0;
  let duplicates = 0;

  const release = (transaction: OpenTransaction, complete: boolean, reason: BatchReleaseReason): TransactionBatch => {
    open.delete(transaction.id);
    buffered -= transaction.events.length;
    released.add(transaction.id);
    if (released.size > rememberReleased) released.delete(released.values().next().value!);
    return toBatch(transaction, complete, reason);
  };

  const isComplete = (transaction: OpenTransaction): boolean => {
    if (transaction.end === null) return false;
    const expected = transaction.end.transactionMarker?.eventCount ?? null;
    return expected === null || transaction.events.length >= expected;
  };

  const isWholeMessage = (transaction: OpenTransaction): boolean => {
    const expected = transaction.events[0]?.transaction?.messageEventCount;
    return expected !== undefined && transaction.events.length >= expected;
  };

  const openFor = (id: string): OpenTransaction => {
    let transaction = open.get(id);
    if (transaction === undefined) {
      transaction = { id, openedAtMs: clock.now(), events: [], orders: new Set(), begin: null, end: null };
      open.set(id, transaction);
    }
    return transaction;
  };

  const expire = (): TransactionBatch[] => {
    if (timeoutMs === undefined) return [];
    const now = clock.now();
    const out: TransactionBatch[] = [];
    for (const transaction of open.values()) {
      if (now - transaction.openedAtMs < timeoutMs) break; // insertion order = age order
      out.push(release(transaction, false, 'timeout'));
    }
    return out;
  };

  const enforceLimits = (out: TransactionBatch[]): void => {
    while (open.size > maxOpen || buffered > maxBuffered) {
      const oldest = open.values().next().value;
      if (oldest === undefined) break;
      const limit = open.size > maxOpen ? 'maxOpenTransactions' : 'maxBufferedEvents';
      options.onOverflow?.({ type: 'transaction-overflow', limit, limitValue: limit === 'maxOpenTransactions' ? maxOpen : maxBuffered, transactionId: oldest.id, releasedEventCount: oldest.events.length });
      out.push(release(oldest, false, 'overflow'));
    }
  };

  return {
    push(event) {
      const out = expire();
      const marker = event.transactionMarker;
      if (marker !== null) {
        const markerId = transactionGroupId(marker.id);
        if (released.has(markerId)) {
          duplicates++;
          return out;
        }
        const transaction = openFor(markerId);
        if (marker.status === 'BEGIN') transaction.begin = event;
        else transaction.end = event;
        if (isComplete(transaction)) out.push(release(transaction, true, 'completed'));
        enforceLimits(out);
        return out;
      }
      const rawId = event.transaction?.id ?? null;
      const id = rawId === null ? null : transactionGroupId(rawId);
      if (id === null) {
        out.push({ transactionId: null, events: [event], complete: true, reason: 'no-transaction', expectedEventCount: null, dataCollections: [], begin: null, end: null });
        return out;
      }
      if (released.has(id)) {
        duplicates++;
        return out;
      }
      const transaction = openFor(id);
      const order = event.transaction?.totalOrder ?? null;
      if (order !== null) {
        if (transaction.orders.has(order)) {
          duplicates++;
          return out;
        }
        transaction.orders.add(order);
      }
      transaction.events.push(event);
      buffered++;
      if (isComplete(transaction) || isWholeMessage(transaction)) out.push(release(transaction, true, 'completed'));
      enforceLimits(out);
      return out;
    },
    expire,
    flush() {
      return [...open.values()].map((transaction) => release(transaction, isComplete(transaction), 'flushed'));
    },
    get openTransactions() {
      return open.size;
    },
    get bufferedEvents() {
      return buffered;
    },
    get duplicatesDropped() {
      return duplicates;
    },
  };
}
