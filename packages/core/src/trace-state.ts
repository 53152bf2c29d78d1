import { ValidationError } from './validation-error.js';

/** One `key=value` list member of a W3C `tracestate` header. */
export interface TraceStateMember {
  /** A simple key (`vendor`) or a multi-tenant key (`tenant@vendor`): lowercase letters, digits and `_`, `-`, `*`, `/`. */
  readonly key: string;
  /** 1-256 printable ASCII characters other than `,` and `=`, not ending in a space. */
  readonly value: string;
}

/** The most list members a `tracestate` may carry (W3C Trace Context). */
export const TRACESTATE_MAX_MEMBERS = 32;

const SIMPLE_KEY = '[a-z][_0-9a-z\\-*/]{0,255}';
const TENANT_KEY = '[0-9a-z][_0-9a-z\\-*/]{0,240}@[a-z][_0-9a-z\\-*/]{0,13}';
const KEY = new RegExp(`^(?:${SIMPLE_KEY}|${TENANT_KEY})$`);
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** Optional whitespace around list members: spaces and tabs only. */
const OWS = /^[ \t]+|[ \t]+$/g;

/** Members of a tracestate, or what is wrong with it (in words, never quoting the header). */
export type TracestateParse = { readonly ok: true; readonly members: TraceStateMember[] } | { readonly ok: false; readonly problem: string };

/** What is wrong with the member at `position` (1-based), or undefined; adds its key to `keys`. */
function memberProblem(key: string, value: string, position: number, keys: Set<string>): string | undefined {
  if (position > TRACESTATE_MAX_MEMBERS) return `more than ${TRACESTATE_MAX_MEMBERS} list members`;
  if (!KEY.test(key)) return `list member ${position} has an invalid key (lowercase letters, digits, _-*/ and one optional @, at most 256 characters)`;
  if (!VALUE.test(value)) return `list member ${position} has an invalid value (1-256 printable ASCII characters other than ',' and '=', not ending in a space)`;
  if (keys.has(key)) return `list member ${position} repeats the key of an earlier member`;
  keys.add(key);
  return undefined;
}

/**
 * Parses a `tracestate` value (or several header lines, combined in order) into its members.
 * Empty and whitespace-only list members are skipped, as the spec allows.
 */
export function readTracestate(value: string | readonly string[]): TracestateParse {
  const members: TraceStateMember[] = [];
  const keys = new Set<string>();
  const text = typeof value === 'string' ? value : value.join(',');
  let position = 0;
  for (const raw of text.split(',')) {
    const member = raw.replace(OWS, '');
    if (member === '') continue;
    position++;
    const eq = member.indexOf('=');
    if (eq < 0) return { ok: false, problem: position > TRACESTATE_MAX_MEMBERS ? `more than ${TRACESTATE_MAX_MEMBERS} list members` : `list member ${position} has no '='` };
    const key = member.slice(0, eq);
    const memberValue = member.slice(eq + 1);
    const problem = memberProblem(key, memberValue, position, keys);
    if (problem !== undefined) return { ok: false, problem };
    members.push({ key, value: memberValue });
  }
  return { ok: true, members };
}

/**
 * Parses a W3C `tracestate` header into its list members; returns undefined when it is invalid (an
 * invalid key or value, a duplicated key, more than 32 members), since the spec has receivers discard
 * such a tracestate whole. Several header lines (an array) are combined in order. Empty list members
 * are skipped, so `''` gives `[]`.
 *
 * @example
 * ```ts
 * parseTracestate('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'); // [{ key: 'rojo', value: '00f067aa0ba902b7' }, { key: 'congo', value: 't61rcWkgMzE' }]
 * parseTracestate('foo=1,foo=2'); // undefined (duplicated key)
 * ```
 */
export function parseTracestate(value: string | readonly string[] | undefined | null): TraceStateMember[] | undefined {
  if (typeof value !== 'string' && !Array.isArray(value)) return undefined;
  if (Array.isArray(value) && !value.every((line) => typeof line === 'string')) return undefined;
  const result = readTracestate(value);
  return result.ok ? result.members : undefined;
}

/**
 * Formats list members as a `tracestate` value (`key=value,key2=value2`), newest first as given.
 *
 * @throws ValidationError (code `VALIDATION`) for an invalid key or value, a duplicated key, or more
 *   than 32 members; the message names the member's position, never its value.
 * @example
 * ```ts
 * formatTracestate([{ key: 'acme', value: 'span-7' }, { key: 'rojo', value: '00f067aa0ba902b7' }]); // 'acme=span-7,rojo=00f067aa0ba902b7'
 * ```
 */
export function formatTracestate(members: readonly TraceStateMember[]): string {
  const keys = new Set<string>();
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    const problem = typeof member.key === 'string' && typeof member.value === 'string' ? memberProblem(member.key, member.value, i + 1, keys) : `list member ${i + 1} needs a string key and value`;
    if (problem !== undefined) throw new ValidationError('tracestate', [{ path: [i], message: problem }]);
  }
  return members.map((member) => `${member.key}=${member.value}`).join(',');
}
