import { ErrorCode } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createInbox } from '../inbox.js';
import { migrate } from '../migrate.js';
import { createOutbox } from '../outbox.js';

const envelope = { id: 'evt-1', type: 'order.placed', source: '/orders', time: '2026-01-31T12:00:00.000Z', schemaVersion: '1', dataContentType: 'application/json', data: {}, extensions: {} };

describe('the first argument of outbox, inbox and migrate calls', () => {
  it('outbox.enqueue(undefined, message) names the missing transaction instead of failing as STORE_FAILED', async () => {
    const outbox = createOutbox();
    await expect(outbox.enqueue(undefined as never, { destination: 'orders', envelope })).rejects.toMatchObject({
      code: ErrorCode.INVALID_OPTIONS,
      message: expect.stringContaining('db.transaction((tx) => outbox.enqueue(tx, ...))') as unknown,
    });
  });

  it('inbox.handle and inbox.has without an executor say so', async () => {
    const inbox = createInbox();
    await expect(inbox.handle(null as never, { consumer: 'billing', messageId: 'm-1' }, () => 1)).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS, message: expect.stringContaining('inbox.handle') as unknown });
    await expect(inbox.has(undefined as never, { consumer: 'billing', messageId: 'm-1' })).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
  });

  it('migrate(new pg.Pool()) points at createPostgresDatabase', async () => {
    const pool = { query: () => Promise.resolve({ rows: [] }), connect: () => Promise.resolve({}) };
    await expect(migrate(pool as never)).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTIONS, message: expect.stringContaining('createPostgresDatabase({ pool })') as unknown });
  });

  it('migrate(pglite) points at createPgliteDatabase, and anything else at both adapters', async () => {
    const pglite = { query: () => Promise.resolve({ rows: [] }), transaction: () => Promise.resolve(undefined) };
    await expect(migrate(pglite as never)).rejects.toMatchObject({ message: expect.stringContaining('createPgliteDatabase') as unknown });
    await expect(migrate(undefined as never)).rejects.toMatchObject({ message: expect.stringContaining('createPostgresDatabase or createPgliteDatabase') as unknown });
  });
});
