import { ErrorCode, IapError } from '@iap/core';

/** Value-free details attached to sync errors. */
export type SyncErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

/** A `SYNC_DEFINITION` error; `details` names the record type and the field or system. */
export function definitionError(message: string, details: SyncErrorDetails): IapError {
  return new IapError(ErrorCode.SYNC_DEFINITION, message, { details: withoutUndefined(details) });
}

/** A `SYNC_PLAN` error; `details` names the record type and the field or system, never a value. */
export function planError(message: string, details: SyncErrorDetails, cause?: unknown): IapError {
  return new IapError(ErrorCode.SYNC_PLAN, message, {
    details: withoutUndefined(details),
    ...(cause === undefined ? {} : { cause }),
  });
}

function withoutUndefined(details: SyncErrorDetails): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(details)) if (value !== undefined) out[key] = value;
  return out;
}
