import { SyncDefinitionError, SyncPlanError, type SyncErrorDetails } from '../sync-errors.js';

export type { SyncErrorDetails } from '../sync-errors.js';

/** A `SYNC_DEFINITION` error; `details` names the record type and the field or system. */
export function definitionError(message: string, details: SyncErrorDetails): SyncDefinitionError {
  return new SyncDefinitionError(message, details);
}

/** A `SYNC_PLAN` error; `details` names the record type and the field or system, never a value. */
export function planError(message: string, details: SyncErrorDetails, cause?: unknown): SyncPlanError {
  return new SyncPlanError(message, details, cause);
}
