import { ErrorCode, IapError } from '@iap/core';
import type { MessagingTablesOptions } from '../tables.js';

/** Fully resolved, quoted names of every object @iap/messaging creates. */
export interface TableNames {
  readonly schema: string;
  readonly tablePrefix: string;
  /** Quoted schema, e.g. `"public"`. */
  readonly quotedSchema: string;
  /** Qualified, quoted names. */
  readonly outbox: string;
  readonly inbox: string;
  /** Idempotency keys table (shared dedup store). */
  readonly idempotency: string;
  readonly migrations: string;
  /** Batch leases of the relay (one row per claimed batch). */
  readonly leases: string;
  /** The relay's claim function. */
  readonly claimFunction: string;
  readonly leaseSequence: string;
  /** Unquoted name of the leases sequence, qualified, as a string literal for nextval. */
  readonly leaseSequenceLiteral: string;
  /** Index name prefix (unqualified, unquoted). */
  readonly indexPrefix: string;
  /** LISTEN/NOTIFY channel, unquoted. */
  readonly channel: string;
  /** 32-bit namespace for advisory locks, derived from schema and prefix. */
  readonly lockNamespace: number;
  /** Key of the transaction-scoped advisory lock that serialises the relays' claims. */
  readonly claimLockKey: number;
  /** Human-readable qualified outbox table name for messages. */
  readonly outboxLabel: string;
  readonly inboxLabel: string;
  readonly idempotencyLabel: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const PREFIX = /^[a-z0-9_]*$/;
const MAX_IDENTIFIER = 63;
// longest suffix we append to the prefix: "outbox_pending_key_idx"
const LONGEST_SUFFIX = 'outbox_pending_key_idx'.length;

/** FNV-1a 32-bit hash as a signed int4, stable across processes and versions. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, message);
}

/**
 * Validates and resolves table options.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 */
export function resolveTableNames(options: MessagingTablesOptions = {}): TableNames {
  const schema = options.schema ?? 'public';
  const tablePrefix = options.tablePrefix ?? 'iap_';
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema) || schema.length > MAX_IDENTIFIER) {
    throw invalid(`schema must be a lowercase SQL identifier (a-z, 0-9, _; at most ${MAX_IDENTIFIER} characters), got ${JSON.stringify(String(schema).slice(0, 80))}`);
  }
  if (typeof tablePrefix !== 'string' || !PREFIX.test(tablePrefix) || tablePrefix.length + LONGEST_SUFFIX > MAX_IDENTIFIER) {
    throw invalid(`tablePrefix must be lowercase a-z, 0-9 or _ and at most ${MAX_IDENTIFIER - LONGEST_SUFFIX} characters, got ${JSON.stringify(String(tablePrefix).slice(0, 80))}`);
  }
  if (tablePrefix !== '' && /^[0-9]/.test(tablePrefix)) throw invalid('tablePrefix must not start with a digit');
  const q = (name: string): string => `"${schema}"."${name}"`;
  const channelBase = `${schema}_${tablePrefix}outbox`;
  return Object.freeze({
    schema,
    tablePrefix,
    quotedSchema: `"${schema}"`,
    outbox: q(`${tablePrefix}outbox`),
    inbox: q(`${tablePrefix}inbox`),
    idempotency: q(`${tablePrefix}idempotency_keys`),
    migrations: q(`${tablePrefix}migrations`),
    leases: q(`${tablePrefix}outbox_leases`),
    claimFunction: q(`${tablePrefix}outbox_claim`),
    leaseSequence: q(`${tablePrefix}outbox_lease_seq`),
    leaseSequenceLiteral: `'${q(`${tablePrefix}outbox_lease_seq`)}'`,
    indexPrefix: tablePrefix,
    channel: channelBase.length <= MAX_IDENTIFIER ? channelBase : `iap_outbox_${(hash32(channelBase) >>> 0).toString(16)}`,
    lockNamespace: hash32(`iap.messaging:${schema}.${tablePrefix}`),
    claimLockKey: hash32(`iap.messaging.claim:${schema}.${tablePrefix}`),
    outboxLabel: `${schema}.${tablePrefix}outbox`,
    inboxLabel: `${schema}.${tablePrefix}inbox`,
    idempotencyLabel: `${schema}.${tablePrefix}idempotency_keys`,
  });
}
