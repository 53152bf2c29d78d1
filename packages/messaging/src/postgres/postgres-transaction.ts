/**
 * A transaction on one pooled `pg` client: BEGIN, the callback with a handle that refuses use after
 * the end, COMMIT or ROLLBACK, then the client back to the pool (discarded when it broke).
 */
import type { SqlTransaction } from '@iap/core';
import type { Pool } from 'pg';
import { TransactionHandle, type ChannelNotifier } from '../internal/transaction-handle.js';

/** Runs `fn` in a transaction on a client of `pool`; its NOTIFYs go out after commit through `notifier`. */
export async function runPostgresTransaction<T>(pool: Pool, notifier: ChannelNotifier, fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // a checked-out client has no 'error' listener of the pool's: without this one, a backend
  // terminated mid-transaction (pg_terminate_backend, a server restart) raises an unhandled
  // 'error' event and ends the process. The failing query rejects on its own; the client is
  // discarded on release.
  const onClientError = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onClientError);
  const tx = new TransactionHandle((sql, params) => client.query(sql, params), notifier);
  try {
    await client.query('BEGIN');
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      tx.finish(false, () => undefined);
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
    try {
      await client.query('COMMIT');
    } catch (error) {
      tx.finish(false, () => undefined);
      throw error;
    }
    tx.finish(true, () => undefined);
    return result;
  } finally {
    client.removeListener('error', onClientError);
    client.release(broken);
  }
}
