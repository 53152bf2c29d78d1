import { ErrorCode, IapError } from '@iap/core';
import type { SqlQueryResult, TransactionExecutor } from '../executor.js';

/** A transaction handle that refuses use after its transaction ended and collects after-commit callbacks. */
export class TransactionHandle implements TransactionExecutor {
  readonly #run: (sql: string, params?: unknown[]) => Promise<SqlQueryResult>;
  readonly #callbacks: Array<() => void> = [];
  #finished = false;

  constructor(run: (sql: string, params?: unknown[]) => Promise<SqlQueryResult>) {
    this.#run = run;
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
