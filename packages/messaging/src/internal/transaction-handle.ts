import { SqlTransactionHandle, type SqlQueryResult } from '@iap/core';

/** Sends a NOTIFY on a channel outside any transaction (fire and forget, coalesced). */
export type ChannelNotifier = (channel: string) => void;

const notifiers = new WeakMap<object, ChannelNotifier>();

/**
 * The after-commit notifier of a transaction handle made by one of our adapters, or undefined for
 * any other executor (whose NOTIFY must then be sent inside the transaction).
 */
export function transactionNotifier(tx: unknown): ChannelNotifier | undefined {
  return typeof tx === 'object' && tx !== null ? notifiers.get(tx) : undefined;
}

/** Core's transaction handle, plus the adapter's after-commit notifier the outbox looks up. */
export class TransactionHandle extends SqlTransactionHandle {
  constructor(run: (sql: string, params?: unknown[]) => Promise<SqlQueryResult>, notifier?: ChannelNotifier) {
    super(run);
    if (notifier) notifiers.set(this, notifier);
  }
}
