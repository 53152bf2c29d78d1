/**
 * The error codes of @iap/sync. Core's generic codes (`INVALID_OPTIONS`, `VALIDATION`, ...) are in
 * `ErrorCode` of @iap/core; these are the ones only this package raises.
 *
 * @example
 * ```ts
 * import { SyncErrorCode } from '@iap/sync';
 *
 * const isPlanFailure = (error: { code?: string }): boolean => error.code === SyncErrorCode.SYNC_PLAN;
 * ```
 */
export const SyncErrorCode = {
  /** A sync boundary definition is invalid; the message and `field` / `system` name the place. */
  SYNC_DEFINITION: 'SYNC_DEFINITION',
  /** A sync plan could not be computed for the given input. */
  SYNC_PLAN: 'SYNC_PLAN',
} as const;

/** The union of every code in {@link SyncErrorCode}. */
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];
