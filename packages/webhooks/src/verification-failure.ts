/**
 * Why a webhook was rejected.
 *
 * - `missing_header`: a signature, timestamp or id header (or signature field) the scheme needs is absent.
 * - `malformed_header`: present but unreadable (bad encoding, wrong length, non-integer timestamp).
 * - `mismatch`: well-formed, but no signature matches any configured secret.
 * - `too_old`: the signed timestamp is older than `maxAgeMs` (a replay or a long delay).
 * - `in_future`: the signed timestamp is further ahead than `maxFutureSkewMs`.
 * - `body_too_large`: the body exceeds `maxBodyBytes`.
 * - `weak_scheme_disabled`: the request uses a scheme flagged weak and `allowWeakSchemes` is off.
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'too_old') log.warn('stale or replayed delivery');
 * ```
 */
export type VerificationFailureReason =
  | 'missing_header'
  | 'malformed_header'
  | 'mismatch'
  | 'too_old'
  | 'in_future'
  | 'body_too_large'
  | 'weak_scheme_disabled';

/**
 * The HTTP status to answer for each failure reason: 400 for requests that cannot be read, 401 for
 * signatures and timestamps that do not authenticate, 403 for a scheme the server refuses, 413 for a
 * body over the limit.
 *
 * @example
 * ```ts
 * if (!result.ok) res.writeHead(VERIFICATION_FAILURE_STATUS[result.reason]).end();
 * ```
 */
export const VERIFICATION_FAILURE_STATUS: Readonly<Record<VerificationFailureReason, number>> = Object.freeze({
  missing_header: 400,
  malformed_header: 400,
  mismatch: 401,
  too_old: 401,
  in_future: 401,
  body_too_large: 413,
  weak_scheme_disabled: 403,
});

/**
 * A rejected webhook. `message` says what was wrong and where (header name), never a secret or a
 * payload value.
 *
 * @example
 * ```ts
 * if (!result.ok) res.writeHead(result.status).end(JSON.stringify({ error: result.reason }));
 * ```
 */
export interface VerificationFailure {
  readonly ok: false;
  /** Provider name, e.g. `github`. */
  readonly provider: string;
  readonly reason: VerificationFailureReason;
  /** HTTP status to answer, from {@link VERIFICATION_FAILURE_STATUS}. */
  readonly status: number;
  readonly message: string;
}

/**
 * Builds a {@link VerificationFailure} with the status for its reason.
 *
 * @example
 * ```ts
 * return verificationFailure('github', 'missing_header', 'header x-hub-signature-256 is missing');
 * ```
 */
export function verificationFailure(provider: string, reason: VerificationFailureReason, message: string): VerificationFailure {
  return { ok: false, provider, reason, status: VERIFICATION_FAILURE_STATUS[reason], message };
}
