import { ErrorCode, IapError } from '@iap/core';
import type { SqlQueryResult, TransactionExecutor } from '../executor.js';

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

/** A transaction handle that refuses use after its transaction ended and collects after-commit callbacks. */
export class TransactionHandle implements TransactionExecutor {
  readonly #run: (sql: string, params?: unknown[]) => Promise<SqlQueryResult>;
  readonly #callbacks: Array<() => void> = [];
  #finished = false;

  constructor(run: (sql: string, params?: unknown[]) => Promise<SqlQueryResult>, notifier?: ChannelNotifier) {
    this.#run = run;
    if (notifier) notifiers.set(this, notifier);
  }

  query(sql: string, params?: unknown[]): Promise<SqlQueryResult> {
    if (this.#finished) return Promise.reject(new IapError(ErrorCode.CLOSED, 'this transaction has already finished: use the tx passed to the callback only inside it'));
    return this.#run(sql, params);
  }

  afterCommit(callback: () => void): void {
    if (this.#finished) throw new IapError(ErrorCode.CLOSED, 'this transaction has already finished');
    this.#callbacks.push(callback);
  }

  /** Marks the transaction finished; after a commit, runs the callbacks (their errors are reported, never thrown). */
  finish(committed: boolean, onCallbackError: (error: unknown) => void): void {
    this.#finished = true;
    if (!committed) return;
    for (const callback of this.#callbacks.splice(0)) {
      try {
        callback();
      } catch (error) {
        onCallbackError(error);
      }
    }
  }
}
