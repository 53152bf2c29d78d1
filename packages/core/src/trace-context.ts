import { ValidationError, type ValidationIssue } from './validation-error.js';

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

/** Leading and trailing optional whitespace of a header value: spaces and tabs only. */
const OWS = /^[ \t]+|[ \t]+$/g;
/** The flags this version of the spec defines: `sampled` (bit 0). Unknown bits are zeroed when we create a child. */
const KNOWN_FLAGS = 0x01;

/**
 * Parses a W3C `traceparent` value; returns undefined for anything invalid (wrong length, uppercase,
 * all-zero ids, version `ff`, extra fields on version 00, several header lines), as the spec requires
 * receivers to ignore it. Spaces and tabs around the value are allowed. A header given as an array
 * (several header lines) is valid only with exactly one line.
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.sampled; // true
 * ```
 */
export function parseTraceparent(value: string | readonly string[] | undefined | null): TraceParent | undefined {
  if (Array.isArray(value)) {
    const lines = value as readonly unknown[];
    return lines.length === 1 && typeof lines[0] === 'string' ? parseTraceparent(lines[0]) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.replace(OWS, ''));
  if (!match) return undefined;
  const [, version, traceId, parentId, flagsHex, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff') return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  const flags = parseInt(flagsHex, 16);
  return { version, traceId, parentId, flags, sampled: (flags & 1) === 1 };
}

/** The parts {@link formatTraceparent} writes. */
export interface TraceparentParts {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  readonly parentId: string;
  /** Sets the `sampled` flag when `flags` is not given. @defaultValue `true` */
  readonly sampled?: boolean;
  /** The whole flags byte, an integer 0-255; wins over `sampled`. */
  readonly flags?: number;
}

/**
 * Formats a `traceparent` value (version 00).
 *
 * @throws ValidationError (code `VALIDATION`) when a part would make an invalid header: an id of the
 *   wrong length, not lowercase hex or all zero, or flags that are not an integer 0-255.
 * @example
 * ```ts
 * formatTraceparent({ traceId, parentId, sampled: true }); // '00-<traceId>-<parentId>-01'
 * ```
 */
export function formatTraceparent(parts: TraceparentParts): string {
  const flags = parts.flags ?? (parts.sampled === false ? 0 : 1);
  const issues: ValidationIssue[] = [];
  if (typeof parts.traceId !== 'string' || !/^[0-9a-f]{32}$/.test(parts.traceId) || parts.traceId === ZERO_TRACE) {
    issues.push({ path: ['traceId'], message: 'expected 32 lowercase hex digits, not all zero' });
  }
  if (typeof parts.parentId !== 'string' || !/^[0-9a-f]{16}$/.test(parts.parentId) || parts.parentId === ZERO_SPAN) {
    issues.push({ path: ['parentId'], message: 'expected 16 lowercase hex digits, not all zero' });
  }
  if (!Number.isInteger(flags) || flags < 0 || flags > 255) issues.push({ path: ['flags'], message: 'expected an integer from 0 to 255' });
  if (issues.length > 0) throw new ValidationError('traceparent', issues);
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
 * Creates a new `traceparent`: a child span of `parent` when given (same trace id, new span id, the
 * `sampled` flag kept and unknown flag bits set to zero, as the spec requires of a version 00 child),
 * otherwise a new sampled trace.
 *
 * @throws ValidationError when `parent` holds an invalid trace id (it was not made by {@link parseTraceparent}).
 * @example
 * ```ts
 * const child = createTraceparent(parseTraceparent(incoming));
 * ```
 */
export function createTraceparent(parent?: TraceParent): string {
  if (parent) return formatTraceparent({ traceId: parent.traceId, parentId: randomHex(8), flags: parent.flags & KNOWN_FLAGS });
  return formatTraceparent({ traceId: randomHex(16), parentId: randomHex(8), sampled: true });
}
