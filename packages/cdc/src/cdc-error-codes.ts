/**
 * The error codes of @iap/cdc. Core's generic codes (`INVALID_OPTIONS`, ...) are in `ErrorCode` of
 * @iap/core; this is the one only this package raises.
 *
 * @example
 * ```ts
 * import { CdcErrorCode } from '@iap/cdc';
 *
 * const unparsable = (error: { code?: string }): boolean => error.code === CdcErrorCode.CDC_PARSE;
 * ```
 */
export const CdcErrorCode = {
  /** A CDC message could not be parsed; see the error's `format`, `reason` and `path`. */
  CDC_PARSE: 'CDC_PARSE',
} as const;

/** The union of every code in {@link CdcErrorCode}. */
export type CdcErrorCode = (typeof CdcErrorCode)[keyof typeof CdcErrorCode];
