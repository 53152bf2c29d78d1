import type { WebhookHeaders } from '../webhook-request.js';

function joinValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parts = value.filter((part): part is string => typeof part === 'string');
    return parts.length === 0 ? undefined : parts.join(', ');
  }
  return undefined;
}

/**
 * Reads one header (name given in lower case) from a Fetch `Headers`, a Node `IncomingHttpHeaders`
 * or any plain record, case-insensitively. Repeated values are joined with `, ` as HTTP does, so a
 * duplicated signature header shows up as malformed instead of being silently narrowed to one value.
 */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value: unknown = (headers as { get(name: string): unknown }).get(name);
    return typeof value === 'string' ? value : undefined;
  }
  const record = headers as Readonly<Record<string, unknown>>;
  if (Object.prototype.hasOwnProperty.call(record, name)) return joinValue(record[name]);
  // Fall back to a case-insensitive scan (plain records written with e.g. `Stripe-Signature`).
  for (const key in record) {
    if (key.length === name.length && key.toLowerCase() === name && Object.prototype.hasOwnProperty.call(record, key)) {
      return joinValue(record[key]);
    }
  }
  return undefined;
}
