import type { SqlExecutor, SqlQueryResult } from '../executor.js';

/** A unit-test executor: records every statement and answers with the given rows (or throws). */
export class RecordingExecutor implements SqlExecutor {
  readonly statements: Array<{ sql: string; params: unknown[] }> = [];
  readonly committed: Array<() => void> = [];
  constructor(
    private readonly answer: (sql: string) => SqlQueryResult = () => ({ rows: [] }),
    private readonly failWith?: Error,
  ) {}

  query(sql: string, params: unknown[] = []): Promise<SqlQueryResult> {
    this.statements.push({ sql, params });
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve(this.answer(sql));
  }

  afterCommit(callback: () => void): void {
    this.committed.push(callback);
  }
}
