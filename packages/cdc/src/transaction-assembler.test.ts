import { ErrorCode, IapError, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createCdcParser } from './cdc-parser.js';
import type { ChangeEvent } from './change-event.js';
import { createTransactionAssembler } from './transaction-assembler.js';

const parser = createCdcParser();

function data(txId: string, totalOrder: number, table = 'customers', id = totalOrder): ChangeEvent {
  return parser.parseOne(
    JSON.stringify({
      after: { id },
      op: 'c',
      source: { connector: 'postgresql', db: 'd', schema: 'inventory', table, snapshot: 'false', lsn: 100 + totalOrder },
      transaction: { id: txId, total_order: totalOrder, data_collection_order: totalOrder },
    }),
  );
}

function begin(txId: string): ChangeEvent {
  return parser.parseOne(JSON.stringify({ status: 'BEGIN', id: txId, event_count: null, data_collections: null, ts_ms: 1 }));
}

function end(txId: string, count: number, collections: [string, number][] = [['inventory.customers', count]]): ChangeEvent {
  return parser.parseOne(JSON.stringify({ status: 'END', id: txId, event_count: count, data_collections: collections.map(([dataCollection, eventCount]) => ({ data_collection: dataCollection, event_count: eventCount })), ts_ms: 2 }));
}

describe('createTransactionAssembler', () => {
  it('releases a transaction when END arrived and its event count is reached, in total order', () => {
    const assembler = createTransactionAssembler({ clock: new ManualClock(0) });
    expect(assembler.push(begin('tx1'))).toEqual([]);
    expect(assembler.push(data('tx1', 2))).toEqual([]);
    expect(assembler.push(end('tx1', 3))).toEqual([]); // END before the last event: wait
    expect(assembler.push(data('tx1', 1))).toEqual([]);
    expect(assembler.bufferedEvents).toBe(2);
    const [batch, ...rest] = assembler.push(data('tx1', 3));
    expect(rest).toEqual([]);
    expect(batch).toMatchObject({ transactionId: 'tx1', complete: true, reason: 'completed', expectedEventCount: 3 });
    expect(batch!.events.map((event) => event.transaction?.totalOrder)).toEqual([1, 2, 3]);
    expect(batch!.dataCollections).toEqual([{ dataCollection: 'inventory.customers', expectedEventCount: 3, receivedEventCount: 3 }]);
    expect(batch!.begin?.kind).toBe('transaction-begin');
    expect(batch!.end?.kind).toBe('transaction-end');
    expect(assembler.openTransactions).toBe(0);
    expect(assembler.bufferedEvents).toBe(0);
  });

  it('works with the END marker arriving last and with events before BEGIN (different topics)', () => {
    const assembler = createTransactionAssembler();
    assembler.push(data('tx2', 1));
    assembler.push(begin('tx2'));
    assembler.push(data('tx2', 2, 'orders'));
    const [batch] = assembler.push(end('tx2', 2, [['inventory.customers', 1], ['inventory.orders', 1]]));
    expect(batch).toMatchObject({ complete: true, reason: 'completed' });
    expect(batch!.dataCollections.map((entry) => entry.receivedEventCount)).toEqual([1, 1]);
  });

  it('interleaved transactions are kept apart', () => {
    const assembler = createTransactionAssembler();
    assembler.push(data('a', 1));
    assembler.push(data('b', 1));
    assembler.push(end('a', 2));
    expect(assembler.push(end('b', 1)).map((batch) => batch.transactionId)).toEqual(['b']);
    expect(assembler.push(data('a', 2)).map((batch) => batch.transactionId)).toEqual(['a']);
  });

  it('drops duplicates: the same total order twice, and late events of a released transaction', () => {
    const assembler = createTransactionAssembler();
    assembler.push(data('tx', 1));
    assembler.push(data('tx', 1));
    expect(assembler.bufferedEvents).toBe(1);
    expect(assembler.push(end('tx', 1))).toHaveLength(1);
    expect(assembler.push(data('tx', 1))).toEqual([]);
    expect(assembler.push(end('tx', 1))).toEqual([]);
    expect(assembler.openTransactions).toBe(0);
    expect(assembler.duplicatesDropped).toBe(3);
  });

  it('passes events outside transactions straight through', () => {
    const assembler = createTransactionAssembler();
    const event = parser.parseOne('{"after":{"id":1},"op":"c","source":{"connector":"postgresql"}}');
    expect(assembler.push(event)).toEqual([{ transactionId: null, events: [event], complete: true, reason: 'no-transaction', expectedEventCount: null, dataCollections: [], begin: null, end: null }]);
  });

  it('releases incomplete transactions on timeout (ManualClock), overflow and flush', () => {
    const clock = new ManualClock(1000);
    const assembler = createTransactionAssembler({ clock, transactionTimeoutMs: 500, maxOpenTransactions: 2 });
    assembler.push(data('old', 1));
    clock.advance(300);
    assembler.push(data('newer', 1));
    clock.advance(200);
    expect(assembler.expire().map((batch) => [batch.transactionId, batch.reason, batch.complete])).toEqual([['old', 'timeout', false]]);
    assembler.push(data('third', 1));
    const overflow = assembler.push(data('fourth', 1));
    expect(overflow.map((batch) => [batch.transactionId, batch.reason])).toEqual([['newer', 'overflow']]);
    expect(assembler.flush().map((batch) => [batch.transactionId, batch.reason, batch.complete])).toEqual([
      ['third', 'flushed', false],
      ['fourth', 'flushed', false],
    ]);
    expect(assembler.openTransactions).toBe(0);
  });

  it('bounds buffered events', () => {
    const assembler = createTransactionAssembler({ maxBufferedEvents: 2 });
    assembler.push(data('a', 1));
    assembler.push(data('a', 2));
    const out = assembler.push(data('b', 1));
    expect(out.map((batch) => [batch.transactionId, batch.events.length, batch.reason])).toEqual([['a', 2, 'overflow']]);
    expect(assembler.bufferedEvents).toBe(1);
  });

  it('wal2json v2: BEGIN/COMMIT by xid with no counts releases at COMMIT', () => {
    const wal = createCdcParser();
    const assembler = createTransactionAssembler();
    const pushText = (text: string) => assembler.push(wal.parseOne(text));
    expect(pushText('{"action":"B","xid":5}')).toEqual([]);
    const insert = wal.parseOne('{"action":"I","xid":5,"schema":"s","table":"t","columns":[{"name":"id","type":"integer","value":1}]}');
    // wal2json v2 rows carry the xid as source.transactionId, not a transaction block: they pass through
    expect(insert.transaction).toBeNull();
    const [batch] = pushText('{"action":"C","xid":5}');
    expect(batch).toMatchObject({ transactionId: '5', complete: true, reason: 'completed', events: [] });
  });

  it('rejects invalid options', () => {
    for (const options of [{ maxOpenTransactions: 0 }, { maxBufferedEvents: 1.5 }, { transactionTimeoutMs: -1 }, { rememberReleased: Number.NaN }]) {
      let error: unknown;
      try {
        createTransactionAssembler(options);
      } catch (caught) {
        error = caught;
      }
      expect(IapError.isInstance(error) && error.code).toBe(ErrorCode.INVALID_OPTIONS);
    }
  });
});
