import { ValidationError } from './validation-error.js';

/** The largest timestamp a UUIDv7 holds: 48 bits of milliseconds (the year 10889). */
const MAX_MS = 2 ** 48 - 1;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const bytes = new Uint8Array(16);
let lastMs = -1;
let sequence = 0;

/**
 * Creates a UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids created in the same
 * process sort in creation order, even within one millisecond (a 12-bit counter in `rand_a`, seeded
 * randomly each millisecond); ids are time-ordered across processes to the millisecond.
 *
 * @param nowMs - the timestamp to embed, epoch milliseconds from 0 to 2^48 - 1 (fractions are
 *   dropped). @defaultValue `Date.now()`
 * @throws ValidationError (code `VALIDATION`) for NaN, an infinity, a negative time or one past
 *   2^48 - 1; the process's ids stay monotonic.
 * @example
 * ```ts
 * uuidv7(); // '0193a5f2-7c1e-7a3b-9f2d-5c8e1b2a4d6f'
 * ```
 */
export function uuidv7(nowMs: number = Date.now()): string {
  // Checked before any state changes: a bad timestamp must not wrap the embedded time, nor leave the
  // process's ids sorting before earlier ones.
  if (typeof nowMs !== 'number' || !(nowMs >= 0 && nowMs <= MAX_MS)) {
    throw new ValidationError('UUIDv7 timestamp', [{ path: ['nowMs'], message: `expected epoch milliseconds from 0 to 2^48 - 1, got ${describeTimestamp(nowMs)}` }]);
  }
  globalThis.crypto.getRandomValues(bytes);
  let ms = Math.floor(nowMs);
  if (ms <= lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      // counter exhausted in this millisecond: borrow the next one to stay monotonic
      if (lastMs === MAX_MS) throw new ValidationError('UUIDv7 timestamp', [{ path: ['nowMs'], message: 'the last millisecond a UUIDv7 can hold is used up' }]);
      lastMs++;
      sequence = bytes[6]! & 0x07;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = ((bytes[6]! & 0x07) << 8) | bytes[7]!; // random start, leaves room to count up
  }
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((sequence >>> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i]!]!;
  }
  return out;
}

function describeTimestamp(value: unknown): string {
  if (typeof value !== 'number') return `a ${typeof value}`;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return value < 0 ? 'a negative number' : 'a number past 2^48 - 1';
}

/** Reads the millisecond timestamp of a UUIDv7, or undefined when `id` is not a UUIDv7. */
export function uuidv7Timestamp(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
