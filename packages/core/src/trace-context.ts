/** A parsed W3C `traceparent` header (Trace Context level 1). */
export interface TraceParent {
  /** Two lowercase hex digits; `00` today. */
  readonly version: string;
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits (the parent span id), not all zero. */
  readonly parentId: string;
  /** The trace flags byte. */
  readonly flags: number;
  /** True when the `sampled` flag (bit 0) is set. */
  readonly sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Parses a W3C `traceparent` value; returns undefined for anything invalid (wrong length, uppercase,
 * all-zero ids, version `ff`, extra fields on version 00), as the spec requires receivers to ignore it.
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.sampled; // true
 * ```
 */
export function parseTraceparent(value: string | undefined | null): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, flagsHex, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff') return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  const flags = parseInt(flagsHex, 16);
  return { version, traceId, parentId, flags, sampled: (flags & 1) === 1 };
}

/**
 * Formats a `traceparent` value (version 00).
 *
 * @example
 * ```ts
 * formatTraceparent({ traceId, parentId, sampled: true }); // '00-<traceId>-<parentId>-01'
 * ```
 */
export function formatTraceparent(parts: { traceId: string; parentId: string; sampled?: boolean; flags?: number }): string {
  const flags = parts.flags ?? (parts.sampled === false ? 0 : 1);
  return `00-${parts.traceId}-${parts.parentId}-${flags.toString(16).padStart(2, '0')}`;
}

function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  do globalThis.crypto.getRandomValues(buffer);
  while (buffer.every((b) => b === 0));
  let out = '';
  for (const b of buffer) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Creates a new `traceparent`: a child span of `parent` when given (same trace id, new span id,
 * same flags), otherwise a new sampled trace.
 *
 * @example
 * ```ts
 * const child = createTraceparent(parseTraceparent(incoming));
 * ```
 */
export function createTraceparent(parent?: TraceParent): string {
  if (parent) return formatTraceparent({ traceId: parent.traceId, parentId: randomHex(8), flags: parent.flags });
  return formatTraceparent({ traceId: randomHex(16), parentId: randomHex(8), sampled: true });
}
