import type { ChangeEvent } from './change-event.js';
import { valuesEqual } from './internal/value-equality.js';
import { isUnavailable } from './unavailable.js';

/**
 * What is known about one field of a change:
 * - `changed`: the value differs (or the row appeared / disappeared);
 * - `unchanged`: the value is provably the same (equal images, or an `Unavailable` TOAST value,
 *   which the source only omits when it did not change);
 * - `unknown`: the message does not say (no before image, a key-only or partial one).
 */
export type FieldStatus = 'changed' | 'unchanged' | 'unknown';

/** The per-field answer of {@link changedFields}. */
export interface FieldChanges {
  /** Every field of the event's images with its status, in column order. */
  readonly fields: Readonly<Record<string, FieldStatus>>;
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
  readonly unknown: readonly string[];
  /**
   * Whether a primary-key column changed: `true`/`false` when every key column could be compared,
   * `'unknown'` when a key column's status is unknown or the key columns are not known. Always
   * `false` for inserts, deletes and snapshot reads.
   */
  readonly keyChanged: boolean | 'unknown';
}

function collect(fields: Record<string, FieldStatus>, keyChanged: boolean | 'unknown'): FieldChanges {
  const changed: string[] = [];
  const unchanged: string[] = [];
  const unknown: string[] = [];
  for (const [field, status] of Object.entries(fields)) (status === 'changed' ? changed : status === 'unchanged' ? unchanged : unknown).push(field);
  return { fields, changed, unchanged, unknown, keyChanged };
}

function allColumns(...rows: (Readonly<Record<string, unknown>> | null)[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) if (row !== null) for (const column of Object.keys(row)) seen.add(column);
  return [...seen];
}

/**
 * Answers honestly, per field, what a change did.
 *
 * - inserts and snapshot reads: every `after` field is `changed` (it appeared);
 * - deletes: every `before` field is `changed` (it disappeared);
 * - upserts (flattened records without `__op`): every field is `unknown`;
 * - updates: fields are compared when the before image has them (`full`, or the columns a
 *   `partial` / `key-only` image holds, such as Maxwell / Canal `old`, DMS before-image columns,
 *   wal2json identity); `Unavailable` after-values are `unchanged`; everything else is `unknown`.
 * - other event kinds: no fields.
 *
 * @example
 * ```ts
 * const diff = changedFields(event);
 * if (diff.keyChanged === true) moveRecord(event);
 * else if (diff.changed.includes('email')) syncEmail(event.after?.email);
 * ```
 */
export function changedFields(event: ChangeEvent): FieldChanges {
  const fields: Record<string, FieldStatus> = Object.create(null) as Record<string, FieldStatus>;
  if (event.kind !== 'change' || event.operation === null) return collect(fields, false);
  const { before, after, operation } = event;
  if (operation === 'insert' || operation === 'read' || operation === 'delete' || operation === 'upsert') {
    const status: FieldStatus = operation === 'upsert' ? 'unknown' : 'changed';
    for (const column of allColumns(operation === 'delete' ? before : after)) fields[column] = status;
    return collect(fields, operation === 'upsert' ? 'unknown' : false);
  }
  // update
  const keyColumns = event.primaryKey;
  const comparable = (column: string): boolean => {
    if (before === null || !Object.prototype.hasOwnProperty.call(before, column)) return false;
    if (event.beforeImage === 'key-only') return keyColumns !== null && keyColumns.includes(column);
    return event.beforeImage !== 'none';
  };
  for (const column of allColumns(after, before)) {
    const next = after?.[column];
    if (isUnavailable(next)) fields[column] = 'unchanged';
    else if (after === null || !Object.prototype.hasOwnProperty.call(after, column) || !comparable(column) || isUnavailable(before?.[column])) fields[column] = 'unknown';
    else fields[column] = valuesEqual(before?.[column], next) ? 'unchanged' : 'changed';
  }
  let keyChanged: boolean | 'unknown' = keyColumns === null || keyColumns.length === 0 ? 'unknown' : false;
  if (keyColumns !== null) {
    for (const column of keyColumns) {
      const status = fields[column];
      if (status === 'changed') {
        keyChanged = true;
        break;
      }
      if (status !== 'unchanged') keyChanged = 'unknown';
    }
  }
  return collect(fields, keyChanged);
}
