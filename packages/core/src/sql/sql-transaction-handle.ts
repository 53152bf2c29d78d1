import { ErrorCode } from '../error-codes.js';
import { IapError } from '../iap-error.js';
import type { SqlQueryResult, SqlTransaction } from './sql-database.js';

/**
 * The building block of a {@link SqlTransaction} for adapter authors: it runs statements through
 * `run` until the adapter calls `finish`, then refuses use (`CLOSED`), and collects the
 * `afterCommit` callbacks to run after a commit.
 *
 * @example
 * ```ts
 * const tx = new SqlTransactionHandle((sql, params) => client.query(sql, params));
 * await client.query('BEGIN');
 * await work(tx);
 * await client.query('COMMIT');
 * tx.finish(true, (error) => logger.warn({ error }, 'an after-commit callback failed'));
 * ```
 */
export class SqlTransactionHandle implements SqlTransaction {
  readonly #run: (sql: string, params?: unknown[]) => Promise<SqlQueryResult>;
  readonly #callbacks: Array<() => void> = [];
  #finished = false;

  constructor(run: (sql: string, params?: unknown[]) => Promise<SqlQueryResult>) {
    this.#run = run;
  }

  /** @throws IapError `CLOSED` (as a rejection) once the transaction has finished. */
  query(sql: string, params?: unknown[]): Promise<SqlQueryResult> {
    if (this.#finished) return Promise.reject(new IapError(ErrorCode.CLOSED, 'this transaction has already finished: use the tx passed to the callback only inside it'));
    return this.#run(sql, params);
  }

  /** @throws IapError `CLOSED` once the transaction has finished. */
  afterCommit(callback: () => void): void {
    if (this.#finished) throw new IapError(ErrorCode.CLOSED, 'this transaction has already finished');
    this.#callbacks.push(callback);
  }

  /** Marks the transaction finished; after a commit, runs the callbacks (their errors go to `onCallbackError`, never thrown). */
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
