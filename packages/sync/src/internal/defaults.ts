import type { NonOwnerChangePolicy } from '../sync-boundary-definition.js';

/** Every default of a sync boundary, resolved in this one place. */
export const SYNC_DEFAULTS = {
  conflict: 'owner-wins',
  nonOwnerChange: 'reject' as NonOwnerChangePolicy,
  clockSkewToleranceMs: 1000,
  includeAuditValues: false,
  excluded: [] as readonly string[],
} as const;
