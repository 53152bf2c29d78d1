import { checkExecutor } from './internal/argument-checks.js';
import { ErrorCode, IapError, ValidationError, systemClock, toCloudEvent, validateEnvelope, type Clock, type Envelope, type ValidationIssue } from '@iap/core';
import type { SqlExecutor } from './executor.js';
import { storeFailed } from './internal/database-error.js';
import { registerOutbox, type OutboxInternals } from './internal/outbox-internals.js';
import { buildOutboxSql } from './internal/outbox-sql.js';
import { readCount, readNumber, readString } from './internal/rows.js';
import { decodeStoredEnvelope, parseColumn } from './internal/stored-envelope.js';
import { resolveTableNames } from './internal/table-names.js';
import { transactionNotifier } from './internal/transaction-handle.js';
import type { DeadLetter, OutboxMessage, OutboxStats } from './outbox-message.js';
import type { MessagingTablesOptions } from './tables.js';

/**
 * Options for {@link createOutbox}.
 * @example
 * ```ts
 * const outbox = createOutbox({ schema: 'messaging', notify: false, keepPublishedForMs: 86_400_000 });
 * ```
 */
export interface OutboxOptions extends MessagingTablesOptions {
  /**
   * Send a PostgreSQL `NOTIFY` for enqueues, so relays in other processes wake up at once. In a
   * transaction of `createPostgresDatabase` / `createPgliteDatabase` it is sent right after the
   * commit, outside your transaction and coalesced per process (PostgreSQL serialises the commits of
   * transactions that NOTIFY); with any other executor it is sent inside the transaction. Relays
   * find every message through their backup poll without it.
   * @defaultValue `true`
   */
  notify?: boolean;
  /**
   * How long acknowledged messages are kept (status `published`) before `purgePublished` (or a
   * relay's cleanup) deletes them. `0` deletes each message when the relay acknowledges it.
   * @defaultValue `0`
   */
  keepPublishedForMs?: number;
  /** Source of `created_at` / `available_at` timestamps. @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * Options for {@link Outbox.listDeadLetters}.
 * @example
 * ```ts
 * const page = await outbox.listDeadLetters(db, { limit: 50, afterId: lastSeenId, destination: 'orders' });
 * ```
 */
export interface ListDeadLettersOptions {
  /** At most this many (1-10,000). @defaultValue `100` */
  limit?: number;
  /** Only rows with an id greater than this one (paging). @defaultValue `'0'` */
  afterId?: string;
  /** Only messages for this destination. */
  destination?: string;
}

/**
 * The write side of the transactional outbox, plus its admin API (stats, dead letters, retention).
 * Create one per table set with {@link createOutbox} and share it; relays are given the same object.
 * @example
 * ```ts
 * await db.transaction((tx) => outbox.enqueue(tx, { destination: 'orders', envelope }));
 * const { pending, oldestPendingAgeMs } = await outbox.stats(db);
 * ```
 */
export interface Outbox {
  /** The resolved table location. */
  readonly tables: { readonly schema: string; readonly tablePrefix: string };
  /**
   * Writes messages in the caller's transaction, in one statement. Call it with the executor of the
   * transaction that changes your business data: the messages exist if and only if it commits.
   * Messages of one partition key get ids in commit order (a transaction-scoped advisory lock per
   * key is taken first), so relays publish them in that order.
   *
   * @throws ValidationError when a message is malformed (nothing is written); IapError
   *   `STORE_FAILED` when the insert fails (your transaction is then aborted: roll it back).
   */
  enqueue(tx: SqlExecutor, messages: OutboxMessage | readonly OutboxMessage[]): Promise<void>;
  /** Wakes the relays created with this outbox in this process (call after a commit they cannot see). */
  wake(): void;
  /**
   * Counts pending, in-flight and dead-lettered messages and the age of the oldest pending one.
   * @throws IapError `STORE_FAILED`.
   */
  stats(db: SqlExecutor): Promise<OutboxStats>;
  /**
   * Lists dead-lettered messages, oldest first.
   * @throws IapError `VALIDATION` for bad options; `STORE_FAILED`.
   */
  listDeadLetters(db: SqlExecutor, options?: ListDeadLettersOptions): Promise<DeadLetter[]>;
  /**
   * Puts dead-lettered messages back to pending with a fresh attempt budget; resolves to how many
   * were replayed (ids that are not dead letters are ignored). A replayed message goes before any
   * newer pending message of its key.
   * @throws IapError `VALIDATION` for ids that are not decimal row ids; `STORE_FAILED`.
   */
  replayDeadLetters(db: SqlExecutor, ids: readonly string[]): Promise<number>;
  /**
   * Deletes dead-lettered messages for good; resolves to how many were deleted.
   * @throws IapError `VALIDATION` for ids that are not decimal row ids; `STORE_FAILED`.
   */
  discardDeadLetters(db: SqlExecutor, ids: readonly string[]): Promise<number>;
  /**
   * Deletes up to `limit` published messages older than `keepPublishedForMs`; resolves to the count.
   * A no-op with the default `keepPublishedForMs: 0` (rows are deleted on acknowledge).
   * @throws IapError `STORE_FAILED`.
   */
  purgePublished(db: SqlExecutor, options?: { limit?: number }): Promise<number>;
}

const MAX_DESTINATION = 512;
const ROW_ID = /^[0-9]{1,19}$/;

function invalidOption(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `invalid outbox options: ${message}`);
}

interface Row {
  readonly messageId: string;
  readonly destination: string;
  readonly partitionKey: string | null;
  readonly headers: string;
  /** The CloudEvent without `data`. */
  readonly envelope: string;
  /** `data` as JSON text; null when the envelope has none. */
  readonly data: string | null;
}

function toRow(message: OutboxMessage, index: number, issues: ValidationIssue[]): Row | undefined {
  const before = issues.length;
  if (typeof message !== 'object' || message === null) {
    issues.push({ path: [index], message: 'expected an object with destination and envelope' });
    return undefined;
  }
  const { destination, envelope } = message;
  if (typeof destination !== 'string' || destination.length === 0 || destination.length > MAX_DESTINATION) {
    issues.push({ path: [index, 'destination'], message: `must be a non-empty string of at most ${MAX_DESTINATION} characters` });
  }
  if (typeof envelope !== 'object' || envelope === null) issues.push({ path: [index, 'envelope'], message: 'required: a core Envelope (see createEnvelope)' });
  else for (const issue of validateEnvelope(envelope)) issues.push({ path: [index, 'envelope', ...issue.path], message: issue.message });
  const partitionKey = message.partitionKey ?? (envelope as Envelope | null)?.partitionKey;
  if (partitionKey !== undefined && (typeof partitionKey !== 'string' || partitionKey.length === 0)) {
    issues.push({ path: [index, 'partitionKey'], message: 'must be a non-empty string when given' });
  }
  const headers: Record<string, string> = {};
  if (message.headers !== undefined) {
    if (typeof message.headers !== 'object' || message.headers === null) issues.push({ path: [index, 'headers'], message: 'must be an object of string values' });
    else {
      for (const [name, value] of Object.entries(message.headers)) {
        if (typeof value !== 'string') issues.push({ path: [index, 'headers', name], message: 'header values must be strings' });
        else headers[name] = value;
      }
    }
  }
  if (issues.length > before) return undefined;
  const e = envelope;
  if (e.traceparent !== undefined && headers.traceparent === undefined) headers.traceparent = e.traceparent;
  if (e.tracestate !== undefined && headers.tracestate === undefined) headers.tracestate = e.tracestate;
  // the data is stored apart as the JSON text written here, so the relay hands on these exact bytes
  const { data, ...attributes } = toCloudEvent(e);
  let dataJson: string | null = null;
  try {
    // undefined for data JSON cannot hold (a function): stored without data, as JSON.stringify of the whole would
    const text: string | undefined = data === undefined ? undefined : JSON.stringify(data);
    dataJson = text ?? null;
  } catch {
    issues.push({ path: [index, 'envelope', 'data'], message: 'cannot be represented as JSON (a cycle or a bigint)' });
    return undefined;
  }
  return { messageId: e.id, destination, partitionKey: partitionKey ?? null, headers: JSON.stringify(headers), envelope: JSON.stringify(attributes), data: dataJson };
}

function checkIds(ids: readonly string[], what: string): string[] {
  if (!Array.isArray(ids)) throw new IapError(ErrorCode.VALIDATION, `${what}: ids must be an array of decimal row ids (DeadLetter.id)`);
  const out: string[] = [];
  ids.forEach((id, index) => {
    if (typeof id !== 'string' || !ROW_ID.test(id)) throw new IapError(ErrorCode.VALIDATION, `${what}: ids[${index}] is not a decimal row id (use DeadLetter.id)`, { details: { index } });
    out.push(id);
  });
  return out;
}

/** A stored envelope with its data put back; undefined when the row does not hold a valid one. */
function parseStored(value: unknown, dataJson: unknown): Envelope | undefined {
  try {
    return decodeStoredEnvelope(value, typeof dataJson === 'string' ? dataJson : undefined);
  } catch {
    return undefined;
  }
}

function parseHeaders(value: unknown): Record<string, string> {
  const raw = parseColumn(value);
  const headers: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') headers[k] = v;
  return headers;
}

/**
 * Creates the write side of a transactional outbox over the tables made by `migrate`.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 * @example
 * ```ts
 * const outbox = createOutbox({ schema: 'public' });
 * await db.transaction(async (tx) => {
 *   await tx.query('INSERT INTO orders (id) VALUES ($1)', ['o-1']);
 *   await outbox.enqueue(tx, {
 *     destination: 'orders',
 *     envelope: createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1' }, partitionKey: 'o-1' }),
 *   });
 * });
 * ```
 */
export function createOutbox(options: OutboxOptions = {}): Outbox {
  if (typeof options !== 'object' || options === null) throw invalidOption('options must be an object');
  const names = resolveTableNames(options);
  const notify = options.notify ?? true;
  if (typeof notify !== 'boolean') throw invalidOption('notify must be a boolean');
  const keepPublishedForMs = options.keepPublishedForMs ?? 0;
  if (!(Number.isFinite(keepPublishedForMs) && keepPublishedForMs >= 0)) throw invalidOption('keepPublishedForMs must be a finite number >= 0');
  const clock = options.clock ?? systemClock;
  const sql = buildOutboxSql(names);
  const internals: OutboxInternals = { names, sql, clock, keepPublishedForMs, wakeListeners: new Set() };

  const wake = (): void => {
    for (const listener of internals.wakeListeners) listener();
  };

  const outbox: Outbox = {
    tables: Object.freeze({ schema: names.schema, tablePrefix: names.tablePrefix }),

    async enqueue(tx, input) {
      checkExecutor('outbox.enqueue', tx);
      const list: readonly OutboxMessage[] = Array.isArray(input) ? (input as readonly OutboxMessage[]) : [input as OutboxMessage];
      if (list.length === 0) return;
      const issues: ValidationIssue[] = [];
      const rows: Row[] = [];
      list.forEach((message, index) => {
        const row = toRow(message, index, issues);
        if (row) rows.push(row);
      });
      if (issues.length > 0) throw new ValidationError('outbox messages', issues);
      const keyed = rows.some((r) => r.partitionKey !== null);
      // our adapters' transactions NOTIFY right after the commit, outside the transaction; any other
      // executor gets the NOTIFY inside it (delivered at its commit)
      const notifier = notify ? transactionNotifier(tx) : undefined;
      const notifyInside = notify && notifier === undefined;
      const statement = keyed ? (notifyInside ? sql.insertKeyedNotify : sql.insertKeyed) : notifyInside ? sql.insertUnkeyedNotify : sql.insertUnkeyed;
      const params: unknown[] = [
        rows.map((r) => r.messageId),
        rows.map((r) => r.destination),
        rows.map((r) => r.partitionKey),
        rows.map((r) => r.headers),
        rows.map((r) => r.envelope),
        rows.map((r) => r.data),
        clock.now(),
      ];
      if (keyed) params.push(names.lockNamespace);
      if (notifyInside) params.push(names.channel);
      try {
        await tx.query(statement, params);
      } catch (error) {
        throw storeFailed(`enqueueing ${rows.length} message(s) into ${names.outboxLabel}`, error);
      }
      if (notifier) tx.afterCommit!(() => {
        wake();
        notifier(names.channel);
      });
      else if (typeof tx.afterCommit === 'function') tx.afterCommit(wake);
    },

    wake,

    async stats(db) {
      const now = clock.now();
      try {
        const result = await db.query(sql.stats, [now]);
        const row = result.rows[0];
        const oldest = readNumber(row, 'oldest_ms');
        return {
          pending: readCount(row, 'pending'),
          inFlight: readCount(row, 'in_flight'),
          oldestPendingAgeMs: oldest === undefined ? 0 : Math.max(0, now - oldest),
          deadLetters: readCount(row, 'dead'),
        };
      } catch (error) {
        throw storeFailed(`reading the stats of ${names.outboxLabel}`, error);
      }
    },

    async listDeadLetters(db, listOptions = {}) {
      const limit = listOptions.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new IapError(ErrorCode.VALIDATION, 'listDeadLetters: limit must be an integer from 1 to 10000');
      const afterId = listOptions.afterId ?? '0';
      checkIds([afterId], 'listDeadLetters afterId');
      let result;
      try {
        result = await db.query(sql.listDead, [afterId, limit, listOptions.destination ?? null]);
      } catch (error) {
        throw storeFailed(`listing the dead letters of ${names.outboxLabel}`, error);
      }
      return result.rows.map((row) => ({
        id: readString(row, 'id') ?? '',
        messageId: readString(row, 'message_id') ?? '',
        destination: readString(row, 'destination') ?? '',
        partitionKey: readString(row, 'partition_key'),
        headers: parseHeaders((row as Record<string, unknown>).headers),
        envelope: parseStored((row as Record<string, unknown>).envelope, (row as Record<string, unknown>).data_json),
        attempts: readCount(row, 'attempts'),
        lastError: readString(row, 'last_error'),
        createdAtMs: readNumber(row, 'created_at_ms') ?? 0,
        deadAtMs: readNumber(row, 'dead_at_ms') ?? 0,
      }));
    },

    async replayDeadLetters(db, ids) {
      const list = checkIds(ids, 'replayDeadLetters');
      if (list.length === 0) return 0;
      try {
        const result = await db.query(sql.replay, [list, clock.now()]);
        const count = readCount(result.rows[0], 'n');
        if (count > 0) {
          if (typeof db.afterCommit === 'function') db.afterCommit(wake);
          else wake();
        }
        return count;
      } catch (error) {
        throw storeFailed(`replaying dead letters of ${names.outboxLabel}`, error);
      }
    },

    async discardDeadLetters(db, ids) {
      const list = checkIds(ids, 'discardDeadLetters');
      if (list.length === 0) return 0;
      try {
        const result = await db.query(sql.discard, [list]);
        return readCount(result.rows[0], 'n');
      } catch (error) {
        throw storeFailed(`discarding dead letters of ${names.outboxLabel}`, error);
      }
    },

    async purgePublished(db, purgeOptions = {}) {
      if (keepPublishedForMs === 0) return 0;
      const limit = purgeOptions.limit ?? 10_000;
      if (!Number.isInteger(limit) || limit < 1) throw new IapError(ErrorCode.VALIDATION, 'purgePublished: limit must be a positive integer');
      try {
        const result = await db.query(sql.purgePublished, [clock.now() - keepPublishedForMs, limit]);
        return readCount(result.rows[0], 'n');
      } catch (error) {
        throw storeFailed(`purging published messages of ${names.outboxLabel}`, error);
      }
    },
  };
  registerOutbox(outbox, internals);
  return Object.freeze(outbox);
}
