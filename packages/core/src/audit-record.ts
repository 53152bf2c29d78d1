import type { Delivery } from './delivery.js';

/**
 * A value-free audit record of a delivery's latest change: ids, statuses, counts, codes and times.
 * It never contains payload values, so it can go to any log.
 */
export interface DeliveryAuditRecord {
  readonly messageId: string;
  readonly status: string;
  readonly previousStatus: string | undefined;
  readonly attempts: number;
  /** ISO-8601 time of the change. */
  readonly at: string;
  readonly errorCode: string | undefined;
  readonly reason: string | undefined;
  readonly nextAttemptAt: string | undefined;
}

/**
 * The audit record of a delivery's latest transition.
 *
 * @example
 * ```ts
 * logger.info(toDeliveryAuditRecord(delivery), 'delivery changed');
 * ```
 */
export function toDeliveryAuditRecord(delivery: Delivery): DeliveryAuditRecord {
  const last = delivery.history[delivery.history.length - 1];
  return {
    messageId: delivery.messageId,
    status: delivery.status,
    previousStatus: last?.from,
    attempts: delivery.attempts,
    at: new Date(delivery.updatedAt).toISOString(),
    errorCode: last?.errorCode,
    reason: last?.reason,
    nextAttemptAt: delivery.nextAttemptAt === undefined ? undefined : new Date(delivery.nextAttemptAt).toISOString(),
  };
}

const SAFE_VALUE = /^[A-Za-z0-9_.:\-/+@]+$/;

function logfmtValue(value: unknown): string {
  const text = String(value);
  if (text !== '' && SAFE_VALUE.test(text)) return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Formats a flat record as one logfmt line (`key=value key2="with space"`), skipping undefined fields.
 * Takes any object (own enumerable properties), so interfaces such as {@link DeliveryAuditRecord}
 * need no index signature.
 *
 * @example
 * ```ts
 * formatLogfmt(toDeliveryAuditRecord(d)); // 'messageId=0193... status=retrying previousStatus=dispatched attempts=1 ...'
 * ```
 */
export function formatLogfmt(record: object): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    parts.push(`${key}=${logfmtValue(value)}`);
  }
  return parts.join(' ');
}
