import { ErrorCode, ManualClock } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordingExecutor } from './__fixtures__/recording-executor.js';
import { createInbox } from './inbox.js';

describe('createInbox', () => {
  it('rejects invalid options with INVALID_OPTIONS', () => {
    for (const options of [{ retentionMs: 0 }, { retentionMs: Number.POSITIVE_INFINITY }, { schema: 'X' }]) {
      expect(() => createInbox(options)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    }
  });

  it('runs the handler only when the record is new', async () => {
    const inserted = new RecordingExecutor(() => ({ rows: [{ inserted: 1 }] }));
    const duplicate = new RecordingExecutor(() => ({ rows: [] }));
    const inbox = createInbox({ clock: new ManualClock(5) });
    let runs = 0;
    expect(await inbox.handle(inserted, { consumer: 'c', messageId: 'm' }, () => ++runs)).toEqual({ status: 'processed', value: 1 });
    expect(await inbox.handle(duplicate, { consumer: 'c', messageId: 'm' }, () => ++runs)).toEqual({ status: 'skipped' });
    expect(runs).toBe(1);
    expect(inserted.statements[0]!.sql).toContain('ON CONFLICT DO NOTHING');
    expect(inserted.statements[0]!.params).toEqual(['c', 'm', 5]);
  });

  it('turns any malformed key into a VALIDATION error without touching the database (property)', async () => {
    const inbox = createInbox();
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (key) => {
        const tx = new RecordingExecutor(() => ({ rows: [{ inserted: 1 }] }));
        try {
          await inbox.handle(tx, key as never, () => 1);
          const k = key as { consumer: string; messageId: string };
          expect(typeof k.consumer === 'string' && typeof k.messageId === 'string').toBe(true);
        } catch (error) {
          expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
          expect(tx.statements).toHaveLength(0);
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('passes the retention cutoff to has() and purgeExpired()', async () => {
    const clock = new ManualClock(100_000);
    const inbox = createInbox({ clock, retentionMs: 60_000 });
    const db = new RecordingExecutor(() => ({ rows: [{ n: 4 }] }));
    expect(await inbox.purgeExpired(db, { limit: 10 })).toBe(4);
    expect(db.statements[0]!.params).toEqual([40_000, 10]);
    await expect(inbox.purgeExpired(db, { limit: 0 })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    expect(await inbox.has(db, { consumer: 'c', messageId: 'm' })).toBe(true);
    expect(db.statements[1]!.params).toEqual(['c', 'm', 40_000]);
  });

  it('wraps store failures as STORE_FAILED', async () => {
    const db = new RecordingExecutor(undefined, new Error('boom'));
    await expect(createInbox().handle(db, { consumer: 'c', messageId: 'm' }, () => 1)).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
  });
});
