import { ErrorCode, ManualClock, createEnvelope, createTraceparent, isValidationError } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordingExecutor } from './__fixtures__/recording-executor.js';
import { TransactionHandle } from './internal/transaction-handle.js';
import { createOutbox } from './outbox.js';
import type { OutboxMessage } from './outbox-message.js';

const envelope = (partitionKey?: string) => createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1' }, ...(partitionKey === undefined ? {} : { partitionKey }) });

describe('createOutbox options', () => {
  it('rejects invalid options with INVALID_OPTIONS', () => {
    const bad = [{ schema: 'Bad' }, { tablePrefix: '-' }, { notify: 'yes' }, { keepPublishedForMs: -1 }, { keepPublishedForMs: Number.NaN }];
    for (const options of bad) expect(() => createOutbox(options as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    expect(() => createOutbox(null as never)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
  });

  it('exposes the resolved table location', () => {
    expect(createOutbox({ schema: 'billing' }).tables).toEqual({ schema: 'billing', tablePrefix: 'iap_' });
  });
});

describe('enqueue', () => {
  it('writes a batch in one statement, in order, with trace headers and the clock time', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const outbox = createOutbox({ clock });
    const tx = new RecordingExecutor();
    const traceparent = createTraceparent();
    const traced = createEnvelope({ type: 't', source: '/s', data: 1, traceparent, tracestate: 'k=v' });
    await outbox.enqueue(tx, [
      { destination: 'orders', envelope: envelope('o-1') },
      { destination: 'audit', envelope: traced, headers: { tenant: 'acme' } },
      { destination: 'orders', envelope: envelope('o-1'), partitionKey: 'override' },
    ]);
    expect(tx.statements).toHaveLength(1);
    const [ids, destinations, keys, headers, envelopes, data, now, lockNamespace, channel] = tx.statements[0]!.params as [string[], string[], Array<string | null>, string[], string[], Array<string | null>, number, number, string];
    expect(destinations).toEqual(['orders', 'audit', 'orders']);
    expect(keys).toEqual(['o-1', null, 'override']);
    expect(JSON.parse(headers[1]!)).toEqual({ tenant: 'acme', traceparent, tracestate: 'k=v' });
    expect(JSON.parse(envelopes[1]!)).toMatchObject({ specversion: '1.0', id: traced.id, traceparent });
    // the data apart, as JSON text; the envelope without it
    expect(JSON.parse(envelopes[0]!)).not.toHaveProperty('data');
    expect(data).toEqual([JSON.stringify(envelope('o-1').data), '1', JSON.stringify(envelope('o-1').data)]);
    expect(ids[1]).toBe(traced.id);
    expect(now).toBe(1_700_000_000_000);
    expect(typeof lockNamespace).toBe('number');
    expect(channel).toBe('public_iap_outbox');
    expect(tx.statements[0]!.sql).toContain('pg_advisory_xact_lock');
    expect(tx.statements[0]!.sql).toContain('pg_notify');
  });

  it('skips the key locks for unkeyed batches and the NOTIFY when notify is off', async () => {
    const tx = new RecordingExecutor();
    await createOutbox({ notify: false }).enqueue(tx, { destination: 'orders', envelope: envelope() });
    expect(tx.statements[0]!.sql).not.toContain('pg_advisory_xact_lock');
    expect(tx.statements[0]!.sql).not.toContain('pg_notify');
    expect(tx.statements[0]!.params).toHaveLength(7);
  });

  it('sends the NOTIFY after the commit, outside the transaction, for our adapters’ transactions', async () => {
    const executor = new RecordingExecutor();
    const notified: string[] = [];
    const tx = new TransactionHandle((sql, params) => executor.query(sql, params), (channel) => notified.push(channel));
    await createOutbox({ schema: 'app' }).enqueue(tx, { destination: 'orders', envelope: envelope('k') });
    expect(executor.statements[0]!.sql).not.toContain('pg_notify');
    expect(notified).toEqual([]);
    tx.finish(true, () => undefined);
    expect(notified).toEqual(['app_iap_outbox']);
    const rolledBack = new TransactionHandle((sql, params) => executor.query(sql, params), (channel) => notified.push(channel));
    await createOutbox({ schema: 'app' }).enqueue(rolledBack, { destination: 'orders', envelope: envelope('k') });
    rolledBack.finish(false, () => undefined);
    expect(notified).toEqual(['app_iap_outbox']);
  });

  it('does nothing for an empty batch', async () => {
    const tx = new RecordingExecutor();
    await createOutbox().enqueue(tx, []);
    expect(tx.statements).toHaveLength(0);
  });

  it('wakes in-process relays only after the commit', async () => {
    const outbox = createOutbox();
    const tx = new RecordingExecutor();
    await outbox.enqueue(tx, { destination: 'orders', envelope: envelope('k') });
    expect(tx.committed).toHaveLength(1);
    expect(() => tx.committed[0]!()).not.toThrow();
  });

  it('wraps a database failure as STORE_FAILED with the SQLSTATE, never the payload', async () => {
    const failure = Object.assign(new Error('relation "public.iap_outbox" does not exist'), { code: '42P01' });
    const tx = new RecordingExecutor(undefined, failure);
    const secret = createEnvelope({ type: 't', source: '/s', data: { card: '4111-1111' } });
    const error = await createOutbox().enqueue(tx, { destination: 'orders', envelope: secret }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.STORE_FAILED, details: { sqlState: '42P01' } });
    expect((error as Error).message).toContain('migrate(db)');
    expect((error as Error).message).not.toContain('4111');
  });

  it('says to run migrate when the schema itself is missing (SQLSTATE 3F000)', async () => {
    const failure = Object.assign(new Error('schema "billing" does not exist'), { code: '3F000' });
    const error = await createOutbox({ schema: 'billing' })
      .enqueue(new RecordingExecutor(undefined, failure), { destination: 'orders', envelope: createEnvelope({ type: 't', source: '/s', data: 1 }) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.STORE_FAILED, details: { sqlState: '3F000' } });
    expect((error as Error).message).toContain('run migrate(db)');
  });

  it('rejects data JSON cannot represent with a ValidationError', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const tx = new RecordingExecutor();
    const error = await createOutbox()
      .enqueue(tx, { destination: 'orders', envelope: { ...envelope(), data: cyclic } })
      .catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(tx.statements).toHaveLength(0);
  });

  it('turns any malformed input into a ValidationError, never another exception (property)', async () => {
    const outbox = createOutbox();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.anything(), fc.record({ destination: fc.anything(), envelope: fc.anything(), headers: fc.anything(), partitionKey: fc.anything() }))), async (input) => {
        const tx = new RecordingExecutor();
        try {
          await outbox.enqueue(tx, input as unknown as OutboxMessage[]);
          expect(input).toHaveLength(0);
        } catch (error) {
          expect(isValidationError(error)).toBe(true);
          expect(tx.statements).toHaveLength(0);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('admin API input checks', () => {
  it('validates ids and limits before touching the database', async () => {
    const outbox = createOutbox();
    const db = new RecordingExecutor();
    await expect(outbox.replayDeadLetters(db, ['1; DROP TABLE x'])).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    await expect(outbox.discardDeadLetters(db, 'x' as never)).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    await expect(outbox.listDeadLetters(db, { limit: 0 })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    await expect(outbox.listDeadLetters(db, { afterId: '-1' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    expect(db.statements).toHaveLength(0);
    expect(await outbox.replayDeadLetters(db, [])).toBe(0);
    expect(await outbox.purgePublished(db)).toBe(0);
    expect(db.statements).toHaveLength(0);
  });

  it('computes the oldest pending age from the clock', async () => {
    const clock = new ManualClock(10_000);
    const db = new RecordingExecutor(() => ({ rows: [{ pending: '3', in_flight: 1, oldest_ms: 4_000, dead: 2 }] }));
    expect(await createOutbox({ clock }).stats(db)).toEqual({ pending: 3, inFlight: 1, oldestPendingAgeMs: 6_000, deadLetters: 2 });
  });
});
