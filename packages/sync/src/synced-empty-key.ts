/**
 * The property of a `nextBase` snapshot that lists the synced fields whose last synced value was
 * empty (`undefined`), e.g. `{ name: 'Ada', $syncedEmpty: ['notes'] }`.
 *
 * JSON drops `undefined` properties, so without this list a base stored as JSON could not tell
 * "synced as empty" from "never synced" (a field added to the boundary later, planned like a first
 * sync), and the field would lose its owner and conflict policies on the next plan. No field may use
 * this name; a base whose `$syncedEmpty` is not an array of strings is a `SYNC_PLAN` error.
 *
 * @example
 * ```ts
 * const stored = JSON.parse(JSON.stringify(plan.nextBase)); // keeps $syncedEmpty
 * boundary.plan({ base: stored, records }); // 'notes' is still known as synced empty
 * ```
 */
export const SYNCED_EMPTY_KEY = '$syncedEmpty';
