import type { Clock } from '@iap/core';
import type { Outbox } from '../outbox.js';
import type { OutboxSql } from './outbox-sql.js';
import type { TableNames } from './table-names.js';

/** What the relay needs from an outbox that is not public API. */
export interface OutboxInternals {
  readonly names: TableNames;
  readonly sql: OutboxSql;
  readonly clock: Clock;
  readonly keepPublishedForMs: number;
  /** In-process wake-up listeners (relays started with this outbox). */
  readonly wakeListeners: Set<() => void>;
}

const registry = new WeakMap<Outbox, OutboxInternals>();

export function registerOutbox(outbox: Outbox, internals: OutboxInternals): void {
  registry.set(outbox, internals);
}

/** The internals of an outbox made by `createOutbox`, or undefined for anything else. */
export function outboxInternals(outbox: unknown): OutboxInternals | undefined {
  return typeof outbox === 'object' && outbox !== null ? registry.get(outbox as Outbox) : undefined;
}
