import { checkExecutor } from './internal/argument-checks.js';
import { ErrorCode, IapError, systemClock, type Clock } from '@iap/core';
import type { SqlExecutor } from './executor.js';
import { storeFailed } from './internal/database-error.js';
import { ts } from './internal/outbox-sql.js';
import { readCount } from './internal/rows.js';
import { resolveTableNames } from './internal/table-names.js';
import type { MessagingTablesOptions } from './tables.js';

/**
 * Options for {@link createInbox}.
 * @example
 * ```ts
 * const inbox = createInbox({ schema: 'messaging', retentionMs: 30 * 86_400_000 });
 * ```
 */
export interface InboxOptions extends MessagingTablesOptions {
  /**
   * How long a processed message id is remembered. A duplicate arriving later than this is not
   * recognised; keep it longer than your broker's redelivery horizon. `purgeExpired` deletes older
   * records.
   * @defaultValue `604_800_000` (7 days)
   */
  retentionMs?: number;
  /** @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * Which message a consumer is handling.
 * @example
 * ```ts
 * const key: InboxKey = { consumer: 'billing', messageId: envelope.id };
 * ```
 */
export interface InboxKey {
  /** Name of the consuming component (one inbox table serves many consumers). 1-200 characters. */
  readonly consumer: string;
  /** The message's stable id (the envelope id). 1-500 characters. */
  readonly messageId: string;
}

/**
 * What {@link Inbox.handle} did.
 * @example
 * ```ts
 * const result = await db.transaction((tx) => inbox.handle(tx, key, apply));
 * if (result.status === 'skipped') logger.debug('duplicate');
 * ```
 */
export type InboxResult<T> =
  | { readonly status: 'processed'; readonly value: T }
  /** The message was already processed by this consumer (a duplicate): the handler did not run. */
  | { readonly status: 'skipped' };

/**
 * The idempotent-consumer side: records each (consumer, message id) in the handler's own
 * transaction, so a message's effects commit exactly once even when the broker delivers it twice.
 * @example
 * ```ts
 * await db.transaction((tx) => inbox.handle(tx, { consumer: 'billing', messageId }, (tx) => charge(tx, order)));
 * await inbox.purgeExpired(db);
 * ```
 */
export interface Inbox {
  /**
   * Records the message in `tx` (`INSERT ... ON CONFLICT DO NOTHING`) and, when it is new, runs
   * `handler` with the same transaction. Commit `tx` after it resolves: the record and the handler's
   * effects commit together or not at all. If the handler throws, roll `tx` back (the error is
   * rethrown) and the message can be processed again. A concurrent duplicate waits for the first
   * transaction and is then skipped.
   *
   * @throws ValidationError-like IapError `VALIDATION` for a bad key; IapError `STORE_FAILED` when
   *   the insert fails; whatever `handler` throws.
   */
  handle<T>(tx: SqlExecutor, key: InboxKey, handler: (tx: SqlExecutor) => Promise<T> | T): Promise<InboxResult<T>>;
  /**
   * True when this consumer has processed the message (within the retention window).
   * @throws IapError `VALIDATION`, `STORE_FAILED`.
   */
  has(db: SqlExecutor, key: InboxKey): Promise<boolean>;
  /**
   * Deletes up to `limit` records older than `retentionMs`; resolves to the count. Run it
   * periodically (e.g. hourly).
   * @throws IapError `STORE_FAILED`.
   */
  purgeExpired(db: SqlExecutor, options?: { limit?: number }): Promise<number>;
}

function checkKey(key: InboxKey): void {
  if (typeof key !== 'object' || key === null) throw new IapError(ErrorCode.VALIDATION, 'inbox key must be an object { consumer, messageId }');
  if (typeof key.consumer !== 'string' || key.consumer.length === 0 || key.consumer.length > 200) {
    throw new IapError(ErrorCode.VALIDATION, 'inbox key.consumer must be a string of 1-200 characters', { details: { path: 'consumer' } });
  }
  if (typeof key.messageId !== 'string' || key.messageId.length === 0 || key.messageId.length > 500) {
    throw new IapError(ErrorCode.VALIDATION, 'inbox key.messageId must be a string of 1-500 characters', { details: { path: 'messageId' } });
  }
}

/**
 * Creates an inbox over the tables made by `migrate`.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 * @example
 * ```ts
 * const inbox = createInbox();
 * const result = await db.transaction((tx) =>
 *   inbox.handle(tx, { consumer: 'billing', messageId: envelope.id }, async (tx) => {
 *     await tx.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, accountId]);
 *   }),
 * );
 * if (result.status === 'skipped') logger.info('duplicate ignored');
 * ```
 */
export function createInbox(options: InboxOptions = {}): Inbox {
  if (typeof options !== 'object' || options === null) throw new IapError(ErrorCode.INVALID_OPTIONS, 'invalid inbox options: options must be an object');
  const names = resolveTableNames(options);
  const retentionMs = options.retentionMs ?? 604_800_000;
  if (!(Number.isFinite(retentionMs) && retentionMs > 0)) throw new IapError(ErrorCode.INVALID_OPTIONS, 'invalid inbox options: retentionMs must be a finite number > 0');
  const clock = options.clock ?? systemClock;
  const insert = `INSERT INTO ${names.inbox} (consumer, message_id, processed_at) VALUES ($1, $2, ${ts('$3')}) ON CONFLICT DO NOTHING RETURNING 1 AS inserted`;
  const exists = `SELECT 1 FROM ${names.inbox} WHERE consumer = $1 AND message_id = $2 AND processed_at >= ${ts('$3')}`;
  const purge = `WITH done AS (DELETE FROM ${names.inbox} WHERE ctid IN (SELECT ctid FROM ${names.inbox} WHERE processed_at < ${ts('$1')} LIMIT $2) RETURNING 1) SELECT count(*)::int AS n FROM done`;

  return Object.freeze({
    async handle<T>(tx: SqlExecutor, key: InboxKey, handler: (tx: SqlExecutor) => Promise<T> | T): Promise<InboxResult<T>> {
      checkExecutor('inbox.handle', tx);
      checkKey(key);
      if (typeof handler !== 'function') throw new IapError(ErrorCode.VALIDATION, 'inbox.handle: handler must be a function');
      let inserted: boolean;
      try {
        const result = await tx.query(insert, [key.consumer, key.messageId, clock.now()]);
        inserted = result.rows.length > 0;
      } catch (error) {
        throw storeFailed(`recording message for consumer "${key.consumer}" in ${names.inboxLabel}`, error);
      }
      if (!inserted) return { status: 'skipped' };
      return { status: 'processed', value: await handler(tx) };
    },

    async has(db: SqlExecutor, key: InboxKey): Promise<boolean> {
      checkExecutor('inbox.has', db);
      checkKey(key);
      try {
        const result = await db.query(exists, [key.consumer, key.messageId, clock.now() - retentionMs]);
        return result.rows.length > 0;
      } catch (error) {
        throw storeFailed(`looking up a message in ${names.inboxLabel}`, error);
      }
    },

    async purgeExpired(db: SqlExecutor, purgeOptions: { limit?: number } = {}): Promise<number> {
      const limit = purgeOptions.limit ?? 10_000;
      if (!Number.isInteger(limit) || limit < 1) throw new IapError(ErrorCode.VALIDATION, 'inbox.purgeExpired: limit must be a positive integer');
      try {
        const result = await db.query(purge, [clock.now() - retentionMs, limit]);
        return readCount(result.rows[0], 'n');
      } catch (error) {
        throw storeFailed(`purging expired records of ${names.inboxLabel}`, error);
      }
    },
  });
}
