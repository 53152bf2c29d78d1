/**
 * Rejecting option names a function does not know: a misspelled option (`maxAttemps`) would
 * otherwise be ignored silently and its default used in production.
 */
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';

/** Edit distance (insertions, deletions, substitutions) between two short names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known name closest to `name` (same letters in another case, or at most two edits away for
 * names longer than four characters), or `undefined` when none is close.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = name.length > 4 ? 2 : 1;
  return bestDistance <= limit ? best : undefined;
}

/**
 * Throws when `options` holds a key `known` does not list, naming the key, where it was given and
 * the closest known option. Keys whose value is `undefined` are accepted (spreading optional fields
 * is common). Only the names appear in the message, never values.
 *
 * @param where what took the options, e.g. `createRelay` or `createRelay: retry`.
 * @throws IapError `INVALID_OPTIONS` with `details: { option, suggestion? }`.
 * @example
 * ```ts
 * import { rejectUnknownOptions } from '@iap/core';
 *
 * rejectUnknownOptions({ maxAttempts: 3 }, ['maxAttempts', 'backoff'], 'retry'); // passes
 * // rejectUnknownOptions({ maxAttemps: 3 }, ['maxAttempts'], 'retry') throws:
 * // "retry: unknown option 'maxAttemps' (did you mean 'maxAttempts'?)"
 * ```
 */
export function rejectUnknownOptions(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const suggestion = closestName(key, known);
    const hint = suggestion === undefined ? `known options: ${known.join(', ')}` : `did you mean '${suggestion}'?`;
    throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: unknown option '${key}' (${hint})`, {
      details: suggestion === undefined ? { option: key } : { option: key, suggestion },
    });
  }
}
