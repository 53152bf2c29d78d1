/**
 * What every part of one relay shares: its resolved options, its events, its fixed statements, its
 * counters and the retry delays it scheduled. Made once by `createRelay` and passed to each part.
 */
import { ErrorCode, TypedEmitter, toIapError } from '@iap/core';
import type { SqlQueryResult } from '../executor.js';
import { storeFailed } from '../internal/database-error.js';
import type { OutboxSql } from '../internal/outbox-sql.js';
import { readCount } from '../internal/rows.js';
import type { RelayEvents } from '../relay-events.js';
import type { ResolvedRelayOptions } from '../relay-options.js';
import { RetryDelayMemory } from './retry-delay-memory.js';

/** Most messages whose last retry delay a relay remembers (only for `decorrelated` jitter). */
const REMEMBERED_DELAYS = 10_000;

/** The shared dependencies of a relay's parts. */
export interface RelayContext {
  readonly options: ResolvedRelayOptions;
  /** The statements of the relay's outbox. */
  readonly sql: OutboxSql;
  readonly events: TypedEmitter<RelayEvents>;
  /** Last retry delays, read by the retry decision, written when a retry is recorded. */
  readonly retryDelays: RetryDelayMemory;
  /** Runs one of the relay's fixed statements: prepared once per connection where the database can. */
  run(text: string, params: unknown[]): Promise<SqlQueryResult>;
  /**
   * Runs a statement that answers a count `n`.
   * @throws IapError `STORE_FAILED` naming `what` and the outbox table.
   */
  exec(what: string, text: string, params: unknown[]): Promise<number>;
  /** Adds `value` (when positive) to the relay counter `name`. */
  count(name: string, value: number): void;
  /** Logs a failure of the relay's work as a warning with `message` and emits it as an `error` event. */
  warn(message: string, error: unknown): void;
}

/** The context of one relay, from its resolved options. */
export function createRelayContext(o: ResolvedRelayOptions): RelayContext {
  const { database, telemetry } = o;
  const events = new TypedEmitter<RelayEvents>({
    onListenerError: (error, event) => o.logger.error({ event, error: toIapError(error).toJSON() }, 'a relay event listener threw'),
  });
  const run = (text: string, params: unknown[]): Promise<SqlQueryResult> =>
    database.queryPrepared === undefined ? database.query(text, params) : database.queryPrepared(text, params);
  return {
    options: o,
    sql: o.outbox.sql,
    events,
    retryDelays: new RetryDelayMemory(o.retry.jitter === 'decorrelated' ? REMEMBERED_DELAYS : 0),
    run,
    async exec(what, text, params) {
      try {
        const result = await run(text, params);
        return readCount(result.rows[0], 'n');
      } catch (error) {
        throw storeFailed(`${what} on ${o.outbox.names.outboxLabel}`, error);
      }
    },
    count(name, value) {
      if (value > 0) telemetry.counter?.(name, value, { relay: o.relayId });
    },
    warn(message, error) {
      const e = toIapError(error, ErrorCode.STORE_FAILED);
      o.logger.warn({ relay: o.relayId, error: e.toJSON() }, message);
      events.emit('error', { error: e });
    },
  };
}
