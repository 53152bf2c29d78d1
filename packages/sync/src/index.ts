/**
 * @packageDocumentation
 * @iap/sync: system-of-record sync boundaries. Field authority (an owning system, `manual` or a
 * rule), exclusions, name and format mappings, three-way conflict detection against the last synced
 * snapshot, and sync plans as plain, deterministic data with value-free audit records.
 */

// boundary
export { defineSyncBoundary } from './sync-boundary.js';
export type { SyncBoundary } from './sync-boundary.js';
export type {
  SyncBoundaryDefinition,
  SyncBoundaryDefaults,
  SyncFieldDefinition,
  SyncFieldMapping,
  SyncAuditOptions,
  SyncRecord,
  FieldOwner,
  OwnerRule,
  ConflictPolicy,
  MergeFunction,
  MergeInput,
  NonOwnerChangePolicy,
} from './sync-boundary-definition.js';

// plans
export type {
  SyncPlan,
  SyncPlanInput,
  SyncDecision,
  SyncConflict,
  SyncManualReview,
  SyncAuditRecord,
  SyncAuditValues,
  SyncSituation,
  SyncAction,
  SyncDecisionPolicy,
} from './sync-plan.js';

// normalisers
export { trimmed, caseInsensitive, emailAddress, composeNormalizers } from './normalizers.js';
export type { Normalizer } from './normalizers.js';

// base snapshots
export { SYNCED_EMPTY_KEY } from './synced-empty-key.js';

// errors
export { SyncDefinitionError, SyncPlanError, isSyncDefinitionError, isSyncPlanError } from './sync-errors.js';
export type { SyncErrorPlace, SyncErrorDetails } from './sync-errors.js';
export { SyncErrorCode } from './sync-error-codes.js';
