import type { MessagingDatabase } from '../executor.js';
import { RecordingExecutor } from './recording-executor.js';

/** A database for option tests: queries are recorded, transactions are not expected. */
export function fakeDatabase(): MessagingDatabase {
  const executor = new RecordingExecutor();
  return {
    query: (sql, params) => executor.query(sql, params),
    transaction: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
}
