import type { SyncRecord } from '../sync-boundary-definition.js';

import { SYNCED_EMPTY_KEY } from '../synced-empty-key.js';

export { SYNCED_EMPTY_KEY };

/** True when the base lists `name` as synced empty. Only called for a base without an own `name` property. */
export function isSyncedEmpty(base: SyncRecord, name: string): boolean {
  const list = base[SYNCED_EMPTY_KEY];
  return list !== undefined && Array.isArray(list) && list.includes(name);
}

/** True when the base's synced-empty list is absent or an array of strings (the only shapes planning accepts). */
export function isValidSyncedEmptyList(base: SyncRecord): boolean {
  if (!Object.hasOwn(base, SYNCED_EMPTY_KEY)) return true;
  const list: unknown = base[SYNCED_EMPTY_KEY];
  return Array.isArray(list) && list.every((name) => typeof name === 'string');
}

/**
 * Sets the synced-empty list of a next base from its own properties: a field is listed when the
 * next base holds it as `undefined`, or when the previous base listed it and this plan left it alone.
 * The list is omitted when empty.
 */
export function writeSyncedEmpty(nextBase: Record<string, unknown>, base: SyncRecord | undefined, fields: readonly { readonly name: string }[]): void {
  const empty: string[] = [];
  for (const { name } of fields) {
    const listed = Object.hasOwn(nextBase, name) ? nextBase[name] === undefined : base !== undefined && isSyncedEmpty(base, name);
    if (listed) empty.push(name);
  }
  // always the last property, whatever the base's order, so equal snapshots serialise alike
  delete nextBase[SYNCED_EMPTY_KEY];
  if (empty.length > 0) nextBase[SYNCED_EMPTY_KEY] = empty;
}
